"""The language of the trainer's pictures and page: 中文, English, or both (the default).

Every label of the app, its charts, GIFs and storyboards is written once, in both languages: as a
pair (`Stage.zh` and `Stage.name`, the events' `LABELS`, a lever's `zh` and `en`) or as one line
"中文 / English" (the stage notes of sim/lifecycle.py `explain`, "成长期 GROW: 99 名成员 ... / 99
members ..."). `pick` and `pick_text` choose the language a class asked for from either form, so
there is still one source of every string. Both are pure functions of their text.
"""

from __future__ import annotations

from sim.lifecycle import Stage

BOTH, ZH, EN = "both", "zh", "en"
LANGS = {BOTH: "中文 + English", ZH: "中文", EN: "English"}  # the side panel's choices


def check_lang(lang: str) -> str:
    """`lang` if it is one of LANGS, else a ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: choose one of {', '.join(LANGS)}")
    return lang


def pick(zh: str, en: str, lang: str = BOTH, sep: str = " ", both: str | None = None) -> str:
    """'管理员 moderators' in both languages, '管理员' in 中文, 'moderators' in English.

    Args:
        zh, en: the text in each language.
        lang: "both", "zh" or "en".
        sep: what joins the two in both languages.
        both: the text in both languages when it is not `zh`, `sep` and `en` ("Step 一天 day").
    """
    if lang == ZH:
        return zh
    if lang == EN:
        return en
    return both if both is not None else f"{zh}{sep}{en}"


def stage_text(stage: Stage, lang: str = BOTH) -> str:
    """'成长期 GROW', '成长期' or 'GROW'."""
    return pick(stage.zh, stage.name, lang)


def _stage_labels(text: str, lang: str) -> str:
    """Bilingual stage names inside `text` ('成熟期 MATURE') in one language."""
    for stage in Stage:
        text = text.replace(stage.label, stage_text(stage, lang))
    return text


def pick_text(text: str, lang: str = BOTH) -> str:
    """A bilingual line in one language.

    The line is "中文 / English", optionally after a stage's name and a colon ("成长期 GROW: 99 名成员,
    每周增长 48% / 99 members growing +48%/week"); a line without " / " is kept whole. Stage names
    inside it follow too. Both languages: the line as it is.
    """
    if lang == BOTH:
        return text
    head, colon, body = text.partition(": ")
    stage = next((s for s in Stage if head == s.label), None)
    if colon and stage is not None:
        return f"{stage_text(stage, lang)}: {pick_text(body, lang)}"
    zh, slash, en = text.partition(" / ")
    if slash:
        text = zh if lang == ZH else en
    return _stage_labels(text, lang)


def day_text(day: int, lang: str = BOTH) -> str:
    """'第 3 天 day 3', '第 3 天' or 'day 3'."""
    return pick(f"第 {day} 天", f"day {day}", lang)
