from gradlab.app import main

raise SystemExit(main())
