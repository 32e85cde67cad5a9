"""Each token's request bucket, kept in the database so that every process and host shares it.

A row per token that made a request: the requests it has left and when that was counted (seconds
since the epoch, by the clock of the host that counted: hosts keep their clocks in step). The
bucket refills at the token's rate up to its burst (`web.ratelimit`); no personal data is here.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RateBucket(Base):
    __tablename__ = "rate_buckets"

    token_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    remaining: Mapped[float] = mapped_column(Float)
    counted_at: Mapped[float] = mapped_column(Float)
