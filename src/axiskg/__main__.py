import sys

from axiskg.cli import main

sys.exit(main())
