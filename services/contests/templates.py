"""Contest templates from a TOML file (data/contests.toml), checked once when read."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from models import PlacesRule
from models.limits import CONTEST_PREFIX_MAX, CONTEST_RULES_MAX, CONTEST_TITLE_MAX

GRADES = tuple(str(g) for g in range(1, 12))
CATEGORIES = (*GRADES, "parent", "teacher", "library")

Title = Annotated[str, Field(min_length=2, max_length=CONTEST_TITLE_MAX)]


class NominationTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Title
    categories: tuple[str, ...] = Field(min_length=1)
    max_participants: int = Field(default=1, ge=1, le=10)

    @field_validator("categories")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if c not in CATEGORIES]
        if unknown:
            raise ValueError(f"unknown categories {unknown}; known: {', '.join(CATEGORIES)}")
        return value


class CriterionTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Title
    max_score: int = Field(ge=1, le=100)


class ContestTemplate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z0-9-]{1,64}$")
    prefix: str = Field(min_length=1, max_length=CONTEST_PREFIX_MAX)
    title: Title
    activity: int | None = None
    event_code: str = ""
    stage: Literal["school", "municipal", "republican"] = "municipal"
    rules: str = Field(default="", max_length=CONTEST_RULES_MAX)
    max_per_school: int = Field(default=0, ge=0, le=100)
    max_per_nomination: int = Field(default=0, ge=0, le=100)
    one_per_family: bool = False
    ask_age: bool = False
    self_assessment: bool = False
    places_rule: PlacesRule = PlacesRule.RANK
    thresholds: tuple[int, ...] = ()
    nominations: tuple[NominationTemplate, ...] = Field(min_length=1, max_length=20)
    criteria: tuple[CriterionTemplate, ...] = Field(min_length=1, max_length=10)

    @field_validator("thresholds")
    @classmethod
    def _descending(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if value and (len(value) != 3 or not 100 >= value[0] > value[1] > value[2] > 0):
            raise ValueError("thresholds are three descending percents, e.g. [90, 75, 60]")
        return value


class TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    contests: tuple[ContestTemplate, ...]


class TemplateFileError(Exception):
    """The templates file cannot be used; the message says where and why."""


def parse_templates(raw: dict[str, object]) -> dict[str, ContestTemplate]:
    try:
        parsed = TemplateFile.model_validate(raw)
    except ValidationError as exc:
        raise TemplateFileError(str(exc)) from exc
    by_key: dict[str, ContestTemplate] = {}
    for template in parsed.contests:
        if template.key in by_key:
            raise TemplateFileError(f"template key {template.key!r} is used twice")
        if template.places_rule is PlacesRule.SCORE and not template.thresholds:
            raise TemplateFileError(f"template {template.key!r}: rule 'score' needs thresholds")
        by_key[template.key] = template
    return by_key


def read_templates(path: Path) -> dict[str, ContestTemplate]:
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise TemplateFileError(f"{path.name}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TemplateFileError(f"{path.name}: {exc}") from exc
    return parse_templates(raw)
