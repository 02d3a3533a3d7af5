# Builds the Windows installer of afgui. NOT RUN ON THE LINUX BUILD MACHINE: run it on
# Windows 10/11 x64 from the repository root, in PowerShell:
#
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
#
# Needs: Python 3.11+ (python.org, x64) on PATH, Inno Setup 6 (ISCC.exe on PATH or in
# its default folder) and, to sign, the Windows SDK's signtool.exe with a code-signing
# certificate in the certificate store. Signing happens when $env:AFGUI_SIGN_CERT_SHA1
# holds the certificate's thumbprint; without it the build is unsigned (SmartScreen will
# warn users).
#
# Output: dist\afgui\ (the frozen program) and dist\afgui-<version>-windows-x64-setup.exe.
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path "$PSScriptRoot\..\..")

$venv = "build\venv-windows"
if (-not (Test-Path "$venv\Scripts\python.exe")) { python -m venv $venv }
& "$venv\Scripts\python.exe" -m pip install --upgrade pip
& "$venv\Scripts\python.exe" -m pip install ".[package]"
& "$venv\Scripts\python.exe" -m pip install --no-deps --force-reinstall .
$version = & "$venv\Scripts\python.exe" -c "import afgui; print(afgui.__version__)"

& "$venv\Scripts\python.exe" packaging\render_icons.py build\icons
& "$venv\Scripts\pyinstaller.exe" --noconfirm --distpath dist --workpath build\pyinstaller packaging\afgui.spec
& "$venv\Scripts\python.exe" packaging\collect_licenses.py dist\afgui\licenses build\pyinstaller\afgui\PYZ-00.toc

# The self-test: afgui.exe is a windowed program; it prints its line to the console it
# was started from when there is one, and its exit code says it (0 = passed).
$test = Start-Process -FilePath "dist\afgui\afgui.exe" -ArgumentList "--self-test" -Wait -PassThru
if ($test.ExitCode -ne 0) { throw "afgui --self-test failed ($($test.ExitCode))" }

$timestamp = "http://timestamp.digicert.com"
$sign = $env:AFGUI_SIGN_CERT_SHA1
if ($sign) {
  signtool sign /sha1 $sign /fd sha256 /tr $timestamp /td sha256 dist\afgui\afgui.exe
}

$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
$isccArgs = @("/DAppVersion=$version", "packaging\windows\afgui.iss")
if ($sign) {
  $isccArgs = @("/DSign", "/Ssigntool=signtool sign /sha1 $sign /fd sha256 /tr $timestamp /td sha256 `$f") + $isccArgs
}
& $iscc @isccArgs
if ($LASTEXITCODE -ne 0) { throw "ISCC failed" }
Write-Host "built dist\afgui-$version-windows-x64-setup.exe"
