from pmsync.entry.cli import main

raise SystemExit(main())
