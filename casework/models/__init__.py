"""The casework's data, by concern (docs/domain.md "Vocabulary"): models hold data and their
invariants; every change to a case goes through the command layer (casework.workflow).
"""

from .analysis import (  # noqa: F401
    AnalysisReport,
    FrozenReportError,
)
from .cases import (  # noqa: F401
    ACCESS_CODE_ALPHABET,
    ACCESS_CODE_LENGTH,
    AppendOnly,
    Attachment,
    Case,
    Event,
    Milestone,
    OnlineSubmission,
    Outcome,
    Pause,
    PersonalDataAccess,
    PrivateStorage,
    RectificationMeasure,
    ReferenceSequence,
    ReplyTemplate,
    Visit,
    drop_unused_reference_sequences,
    new_access_code,
    normalise_access_code,
    private_storage,
    random_attachment_name,
)
from .choices import (  # noqa: F401
    FINAL_STATUSES,
    OPEN_STATUSES,
    UNASSIGNED_STATUSES,
    Category,
    Channel,
    Priority,
    Satisfaction,
    SLAState,
    Status,
)
from .cohandling import (  # noqa: F401
    CoHandling,
    waiting_co_handlings,
)
from .notifications import (  # noqa: F401
    OutboxMessage,
    SupervisionNotice,
)
from .organisation import (  # noqa: F401
    CalendarDay,
    Department,
    DepartmentMembership,
    StageLimits,
)
from .reporting import (  # noqa: F401
    DailyCaseStatistic,
    DailyTopicStatistic,
)
from .retention import (  # noqa: F401
    DeletionRecord,
)
from .time_limits import (  # noqa: F401
    STAGE_FIELDS,
    StageLimitChange,
    StageLimitRule,
)
