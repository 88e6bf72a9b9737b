"""One module per notebook topic; importing them fills the registry (CONTRIBUTING.md's table),
in the order of the course."""

from . import fully_connected  # noqa: F401  01
from . import convolution  # noqa: F401  02
from . import shapes  # noqa: F401  03
from . import receptive_field  # noqa: F401  04
from . import pooling  # noqa: F401  05
from . import normalization  # noqa: F401  06
from . import lenet  # noqa: F401  07
