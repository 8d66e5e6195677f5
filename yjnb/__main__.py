import sys

from yjnb.cli import main

sys.exit(main())
