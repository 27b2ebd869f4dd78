@echo off
rem Starts mediator from this folder (copied as the Chinese-named launcher by build.py).
rem All data stays in the data folder beside the program, wherever this is started from.
rem Windows Terminal shows the program best; the classic console works too.
setlocal
cd /d "%~dp0"
where wt.exe >nul 2>nul
if %errorlevel%==0 (
    start "" wt.exe -d "%~dp0." "%~dp0mediator.exe" %*
    exit /b 0
)
chcp 65001 >nul
"%~dp0mediator.exe" %*
