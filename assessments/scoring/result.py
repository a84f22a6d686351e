"""The stored result of rubric v1 and its format: ``Result.as_dict`` at submit time, and
``Result.from_dict`` for ever after (RESULT_SCHEMA)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .rubric import (
    RESULT_SCHEMA,
)

# -- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One answer that earned points, with the sentence the runner reads."""

    question: str
    driver: str
    points: float
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "driver": self.driver,
            "points": float(self.points),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        return cls(
            question=str(data["question"]),
            driver=str(data["driver"]),
            points=float(data["points"]),
            text=str(data["text"]),
        )


@dataclass(frozen=True)
class DriverScore:
    """A driver's 0-100 score, how well it could be judged, and why."""

    key: str
    label: str
    score: int
    points: float
    answered: int
    items: int
    confidence: float
    well_judged: bool
    reasons: tuple[Reason, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "score": int(self.score),
            "points": float(self.points),
            "answered": int(self.answered),
            "items": int(self.items),
            "confidence": float(self.confidence),
            "well_judged": bool(self.well_judged),
            "reasons": [reason.as_dict() for reason in self.reasons],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DriverScore:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            score=int(data["score"]),
            points=float(data["points"]),
            answered=int(data["answered"]),
            items=int(data["items"]),
            confidence=float(data["confidence"]),
            well_judged=bool(data["well_judged"]),
            reasons=tuple(Reason.from_dict(reason) for reason in data["reasons"]),
        )


@dataclass(frozen=True)
class Flag:
    """A safety finding and what to do about it, in plain words."""

    level: str
    code: str
    title: str
    advice: str

    def as_dict(self) -> dict[str, Any]:
        return {"level": self.level, "code": self.code, "title": self.title, "advice": self.advice}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Flag:
        return cls(
            level=str(data["level"]),
            code=str(data["code"]),
            title=str(data["title"]),
            advice=str(data["advice"]),
        )


@dataclass(frozen=True)
class Result:
    """Everything the result page, the booking gate and the clinician review need."""

    version: str
    drivers: tuple[DriverScore, ...]
    training_load: DriverScore
    primary: tuple[str, ...]
    no_clear_driver: bool
    training_trigger: bool
    itb_likelihood: str
    flags: tuple[Flag, ...]
    highest_flag: str | None
    booking_allowed: bool
    recommended_appointment: str | None

    def driver(self, key: str) -> DriverScore:
        """The score of one driver or of training load; ``KeyError`` if unknown."""
        for driver in (*self.drivers, self.training_load):
            if driver.key == key:
                return driver
        raise KeyError(key)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (str/int/float/bool/None/list/dict only), stored at submit time."""
        return {
            "schema": RESULT_SCHEMA,
            "version": self.version,
            "drivers": [driver.as_dict() for driver in self.drivers],
            "training_load": self.training_load.as_dict(),
            "primary": list(self.primary),
            "no_clear_driver": self.no_clear_driver,
            "training_trigger": self.training_trigger,
            "itb_likelihood": self.itb_likelihood,
            "flags": [flag.as_dict() for flag in self.flags],
            "highest_flag": self.highest_flag,
            "booking_allowed": self.booking_allowed,
            "recommended_appointment": self.recommended_appointment,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        """Rebuild a stored result exactly; ``ValueError`` for a schema this code can't read."""
        if data.get("schema", RESULT_SCHEMA) != RESULT_SCHEMA:
            raise ValueError(f"unsupported result schema {data.get('schema')!r}")
        return cls(
            version=str(data["version"]),
            drivers=tuple(DriverScore.from_dict(driver) for driver in data["drivers"]),
            training_load=DriverScore.from_dict(data["training_load"]),
            primary=tuple(str(key) for key in data["primary"]),
            no_clear_driver=bool(data["no_clear_driver"]),
            training_trigger=bool(data["training_trigger"]),
            itb_likelihood=str(data["itb_likelihood"]),
            flags=tuple(Flag.from_dict(flag) for flag in data["flags"]),
            highest_flag=None if data["highest_flag"] is None else str(data["highest_flag"]),
            booking_allowed=bool(data["booking_allowed"]),
            recommended_appointment=(
                None
                if data["recommended_appointment"] is None
                else str(data["recommended_appointment"])
            ),
        )
