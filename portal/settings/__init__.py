"""ECAR settings: everything that differs between machines comes from the environment.

`DJANGO_SETTINGS_MODULE=portal.settings` reads this package. Each module holds one concern and imports from the
others what it reads (`from .core import PRODUCTION`), so they may be gathered here in any order.
"""

from .admin_ui import *  # noqa: F403
from .api import *  # noqa: F403
from .business import *  # noqa: F403
from .core import *  # noqa: F403
from .notifications import *  # noqa: F403
from .security import *  # noqa: F403
from .tasks import *  # noqa: F403
