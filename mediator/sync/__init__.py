"""Upward sync: sealed packages carried by hand from township to county to city.

``keys``     the office's key pairs, fingerprints, public key files, trusted keys
``package``  the file format: header, encrypted and compressed payload, signature
``payload``  the SQLite payload: its frozen schema and the hostile-file checks
``export``   writing a package (snapshot, seal, outbox, USB stick)
``merge``    the set-based merge by owner and revision, one transaction per package
``importer`` quarantine, verification and the per-file report
``service``  the facade the CLI and the TUI call

Design: ../shared/design/sync.md; file format: docs/sync-format.md. Nothing here imports
textual; importing this package imports nothing heavy.
"""
