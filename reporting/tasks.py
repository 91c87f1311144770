# The statistics roll-up tasks live with their service; importing them here registers them with the
# worker, which only autodiscovers each app's tasks module.
from .statistics import recompute_statistics_day, refresh_statistics  # noqa: F401
