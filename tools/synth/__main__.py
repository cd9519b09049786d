"""``python -m tools.synth --departments N --years Y --seed S --out DIR``."""

import sys

from tools.synth import main

sys.exit(main())
