"""Quellen (admins): each source's freshness, last error, recent runs and "sync now"."""

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import fmt_age, fmt_datetime, fmt_number, t
from sprintfolio.services.source_status import SourceStatus, SyncNowResult


def freshness_text(source: SourceStatus) -> str:
    """Icon and words, e.g. "🟢 vor 3 Std." (never colour alone)."""
    icon = t(f"icon.{source.freshness.rag}")
    if source.last_success_at is None:
        return t("sources.freshness", icon=icon, reason=t("sources.never"))
    return t("freshness.value", icon=icon, age=fmt_age(source.freshness.values["hours"]))


def sources_frame(sources: list[SourceStatus]) -> pd.DataFrame:
    tz = data.zone()
    return pd.DataFrame(
        {
            t("sources.col.name"): [s.name for s in sources],
            t("sources.col.kind"): [s.kind for s in sources],
            t("sources.col.projects"): [", ".join(s.projects) for s in sources],
            t("sources.col.freshness"): [freshness_text(s) for s in sources],
            t("sources.col.last_sync"): [
                fmt_datetime(s.last_success_at, tz=tz) if s.last_success_at else t("value.none")
                for s in sources
            ],
            t("sources.col.error"): [s.last_error or t("value.none") for s in sources],
            t("sources.col.outbox"): [sum(s.outbox.values()) for s in sources],
        }
    )


def show_result(result: SyncNowResult, kind: str) -> None:
    """The outcome of "sync now" in words."""
    name = result.source
    if result.refused is not None:
        st.info(t(f"sources.refused.{result.refused}", name=name, kind=kind))
    elif result.error is not None:
        st.error(t("sources.sync.failed", name=name, error=result.error))
    elif result.summary is not None:
        s = result.summary
        st.success(
            t(
                "sources.sync.ok",
                name=name,
                pages=s.pages,
                items=s.items,
                events=s.events,
                requests=s.requests,
                seconds=fmt_number(s.duration_s),
            )
        )


st.title(t("sources.title"))
st.caption(t("sources.intro"))
sources = data.or_stop(data.sources)
if not sources:
    st.info(t("sources.none"))
    st.stop()
st.dataframe(sources_frame(sources), hide_index=True, key="sources_table")

tz = data.zone()
for source in sources:
    with st.expander(ui.escape_markdown(t("sources.details", name=source.name))):
        if source.base_url:
            st.text(t("sources.url", url=source.base_url))
        if source.token_env:
            state = t("sources.token.set" if source.token_set else "sources.token.missing")
            st.markdown(t("sources.token", name=ui.escape_markdown(source.token_env), state=state))
        st.markdown(f"**{t('sources.runs')}**")
        if source.runs:
            st.dataframe(
                pd.DataFrame(
                    {
                        t("sources.run.started"): [
                            fmt_datetime(r.started_at, tz=tz) for r in source.runs
                        ],
                        t("sources.run.mode"): [r.mode for r in source.runs],
                        t("sources.run.outcome"): [r.outcome for r in source.runs],
                        t("sources.run.counts"): [
                            f"{r.pages} / {r.items} / {r.events} / {r.requests} / {r.retries}"
                            for r in source.runs
                        ],
                        t("sources.run.error"): [r.error or "" for r in source.runs],
                    }
                ),
                hide_index=True,
            )
        else:
            st.caption(t("sources.runs.none"))
        if st.button(t("sources.sync_now"), key=f"sync_{source.name}"):
            with st.spinner(t("sources.syncing", name=source.name)):
                show_result(data.sync_now(source.name), source.kind)
