from mediator.cli import main

raise SystemExit(main())
