@echo off
rem Starts mediator in the browser (mediator serve) from this folder: copied as the
rem Chinese-named browser launcher by build.py. This window is the server: it shows the
rem address, and closing it (or Ctrl+C) ends the browser sessions. Data stays in the data
rem folder beside the program, as with the terminal launcher.
setlocal
cd /d "%~dp0"
chcp 65001 >nul
"%~dp0mediator.exe" serve %*
if errorlevel 1 pause
