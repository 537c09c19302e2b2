from cqtui.cli import main

raise SystemExit(main())
