; Inno Setup 6 script for afgui on Windows (x64). NOT BUILT ON THE LINUX BUILD MACHINE:
; run packaging\windows\build.ps1 on Windows, which freezes afgui with the same spec,
; signs the program, compiles this script with ISCC and signs the installer.
;
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\afgui packaging\windows\afgui.iss
;
; Signing: build.ps1 passes /Ssigntool=... when AFGUI_SIGN_CERT_SHA1 is set, and
; SignTool=signtool below then signs the installer and the uninstaller.

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\afgui"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif

[Setup]
; The AppId identifies afgui for upgrades and uninstallation: never change it.
AppId={{7FEA6D08-A157-45F0-A389-4BAC082E8B5C}
AppName=afgui
AppVersion={#AppVersion}
AppVerName=afgui {#AppVersion}
AppPublisher=afgui developers
AppComments=Explore Afghanistan's foreign relations through time, from sourced and quoted facts
DefaultDirName={autopf}\afgui
DefaultGroupName=afgui
DisableProgramGroupPage=yes
; Per-user installation without administrator rights, or for all users when elevated.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile=..\licenses\MIT-afgui.txt
SetupIconFile=..\..\build\icons\afgui.ico
UninstallDisplayIcon={app}\afgui.exe
UninstallDisplayName=afgui
OutputDir={#OutputDir}
OutputBaseFilename=afgui-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
#ifdef Sign
SignTool=signtool
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole PyInstaller folder: afgui.exe, _internal\ and licenses\.
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\afgui"; Filename: "{app}\afgui.exe"; Comment: "Afghanistan's foreign relations through time"
Name: "{autodesktop}\afgui"; Filename: "{app}\afgui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\afgui.exe"; Description: "{cm:LaunchProgram,afgui}"; Flags: nowait postinstall skipifsilent

; afgui's database lives in %LOCALAPPDATA%\afgui (user data, rebuilt when missing): left
; in place on uninstall, like other user data; the README says how to remove it.
