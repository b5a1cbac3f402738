"""talkcure.measures: outcome measures as data plus pure scoring, change and FHIR.

Pure functions only — no I/O beyond reading the packaged instrument files, no
network. Imports nothing from talkcure but :mod:`talkcure.errors`.
"""

from talkcure.measures.change import (
    ChangeResult,
    Norm,
    TalkingTherapiesResult,
    classify_change,
    classify_jacobson_truax,
    classify_talking_therapies,
    classify_talking_therapies_single,
    clinical_cutoff,
    jacobson_truax,
    reliable_change_index,
    standard_error_of_difference,
)
from talkcure.measures.fhir import (
    import_questionnaire_response,
    questionnaire,
    questionnaire_response,
    validate_resource,
)
from talkcure.measures.goals import (
    GoalRating,
    GoalsResult,
    classify_goal,
    classify_goals,
    parse_goal_rating,
    score_goals,
)
from talkcure.measures.instruments import (
    GoalScheme,
    Instrument,
    all_instruments,
    get_instrument,
    goal_scheme,
    instrument_ids,
    resolve_id,
)
from talkcure.measures.scoring import (
    MeasureResult,
    answer_help,
    parse_answer,
    score,
)

__all__ = [
    "ChangeResult",
    "GoalRating",
    "GoalScheme",
    "GoalsResult",
    "Instrument",
    "MeasureResult",
    "Norm",
    "TalkingTherapiesResult",
    "all_instruments",
    "answer_help",
    "classify_change",
    "classify_goal",
    "classify_goals",
    "classify_jacobson_truax",
    "classify_talking_therapies",
    "classify_talking_therapies_single",
    "clinical_cutoff",
    "get_instrument",
    "goal_scheme",
    "import_questionnaire_response",
    "instrument_ids",
    "jacobson_truax",
    "parse_answer",
    "parse_goal_rating",
    "questionnaire",
    "questionnaire_response",
    "reliable_change_index",
    "resolve_id",
    "score",
    "score_goals",
    "standard_error_of_difference",
    "validate_resource",
]
