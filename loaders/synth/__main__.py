"""``python -m loaders.synth --departments N --years Y --seed S --out DIR``."""

import sys

from loaders.synth import main

sys.exit(main())
