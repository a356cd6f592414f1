"""Settings from the environment (and a ``.env`` file), validated at start-up."""

from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.db import normalise_url, sqlite_url_for


class Settings(BaseSettings):
    """Sprintfolio's configuration.

    ``DATABASE_URL`` selects the store (default: a SQLite file in the data folder);
    the other variables carry the prefix ``SPRINTFOLIO_``.
    """

    model_config = SettingsConfigDict(env_prefix="SPRINTFOLIO_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="folder of the embedded SQLite store")
    database_url_env: SecretStr | None = Field(
        default=None, validation_alias="DATABASE_URL", description="SQLAlchemy URL of the store"
    )
    demo_seed: int = Field(default=20261124, description="random seed of the demo portfolio")
    timezone: str = Field(default="Europe/Berlin", description="zone in which days are counted")
    today: date | None = Field(
        default=None, description="pretend today is this date (demos and tests); default: the clock"
    )

    @property
    def database_url(self) -> str:
        """The store's URL: DATABASE_URL if set, else the SQLite file in ``data_dir``."""
        if self.database_url_env is not None and self.database_url_env.get_secret_value():
            return normalise_url(self.database_url_env.get_secret_value())
        return sqlite_url_for(self.data_dir)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()


def now_utc(settings: Settings | None = None) -> datetime:
    """The current instant; with SPRINTFOLIO_TODAY set, noon of that day in the local zone."""
    settings = settings or get_settings()
    zone = ZoneInfo(settings.timezone)
    if settings.today is not None:
        return datetime(
            settings.today.year, settings.today.month, settings.today.day, 12, tzinfo=zone
        ).astimezone(ZoneInfo("UTC"))
    return datetime.now(ZoneInfo("UTC"))


def local_today(settings: Settings | None = None) -> date:
    """Today's date in the configured zone (or SPRINTFOLIO_TODAY)."""
    settings = settings or get_settings()
    return now_utc(settings).astimezone(ZoneInfo(settings.timezone)).date()
