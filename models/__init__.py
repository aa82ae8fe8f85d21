"""SQLAlchemy models, engine and sessions."""

from models.base import Base
from models.entities import (
    Activity,
    District,
    FsmRecord,
    Invitation,
    InvitationKind,
    Role,
    School,
    Section,
    User,
)

__all__ = [
    "Activity",
    "Base",
    "District",
    "FsmRecord",
    "Invitation",
    "InvitationKind",
    "Role",
    "School",
    "Section",
    "User",
]
