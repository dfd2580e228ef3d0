"""Settings of the creation-quota service (environment, prefix ``ASINFLOW_QUOTA_``, nested with ``__``):
``ASINFLOW_QUOTA_CAPACITY__NEW_SELLER_LIMIT=30``, ``ASINFLOW_QUOTA_WITHDRAWAL__MIN_LISTINGS=200``,
``ASINFLOW_QUOTA_RELEASE_INTERVAL_S=5`` … (see ``domain/capacity.py`` and ``domain/withdrawal.py``)."""

from __future__ import annotations

from datetime import timedelta

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from asinflow_creation_quota.domain.capacity import CapacityPolicy
from asinflow_creation_quota.domain.withdrawal import WithdrawalRule


class QuotaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASINFLOW_QUOTA_", env_nested_delimiter="__", extra="ignore")

    capacity: CapacityPolicy = Field(default_factory=CapacityPolicy)
    withdrawal: WithdrawalRule = Field(default_factory=WithdrawalRule)
    grace_days: int = Field(default=7, ge=0, description="Days the counters outlive their week.")
    release_interval_s: float = Field(default=5.0, gt=0, description="How often throttled listings are looked at.")

    @property
    def grace(self) -> timedelta:
        return timedelta(days=self.grace_days)
