from pmsync.cli import main

raise SystemExit(main())
