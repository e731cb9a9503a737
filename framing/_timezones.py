"""Time-zone abbreviations in dates ("EST", "CEST"), read as fixed UTC offsets on every machine.

dateutil, left to itself, reads an abbreviation that matches the machine's local zone
(``time.tzname``) as that zone and ignores any other, so "10:00 EST" is 15:00 UTC on a
New York laptop and 10:00 UTC on a server running in UTC. Here every abbreviation a news
date commonly carries has one fixed offset, the same everywhere; an abbreviation that names
several zones, or none known here, is refused rather than guessed.

The abbreviation names the offset in force, so "CET" is +01:00 and "CEST" +02:00 whatever
the date says. Conventions for names with more than one reading:

* ``CST`` is US Central Standard Time (-06:00), as in US news, not China Standard Time;
* ``PST`` is US Pacific Standard Time (-08:00), not Philippine Standard Time;
* ``BST`` is British Summer Time (+01:00), not Bangladesh Standard Time;
* ``IST`` (India, Ireland, Israel), ``AST`` (Atlantic, Arabia), ``GST``, ``SST`` and
  ``AMT`` are refused: give such dates with a numeric offset.

"GMT+3" and "UTC-05:00" are read as the offset they show (+03:00, -05:00), as web pages
mean them, not with the inverted sign of POSIX ``TZ`` strings that dateutil applies.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["AMBIGUOUS_ZONES", "ZONE_OFFSETS", "UnknownTimeZone", "dateutil_tzinfos",
           "spell_out_gmt_offsets", "zone_offset"]

#: Minutes east of UTC of each time-zone abbreviation read, by its upper-case spelling.
ZONE_OFFSETS: dict[str, int] = {
    # Universal time
    "UTC": 0, "UT": 0, "GMT": 0, "Z": 0,
    # North America (standard, daylight)
    "EST": -300, "EDT": -240,
    "CST": -360, "CDT": -300,
    "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420,
    "AKST": -540, "AKDT": -480,
    "HST": -600, "HDT": -540,
    "NST": -210, "NDT": -150,
    # Europe
    "WET": 0, "WEST": 60,
    "BST": 60,
    "CET": 60, "CEST": 120, "MET": 60, "MEST": 120,
    "EET": 120, "EEST": 180,
    "MSK": 180,
    # Africa, Asia and the Pacific (the unambiguous ones news dates carry)
    "WAT": 60, "SAST": 120, "EAT": 180,
    "PKT": 300, "ICT": 420, "WIB": 420, "HKT": 480, "SGT": 480, "AWST": 480,
    "JST": 540, "KST": 540, "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660,
    "NZST": 720, "NZDT": 780,
}

#: Abbreviations refused because they name several zones, and what they may mean.
AMBIGUOUS_ZONES: dict[str, str] = {
    "IST": "India +05:30, Irish +01:00 or Israel +02:00",
    "AST": "Atlantic -04:00 or Arabia +03:00",
    "GST": "Gulf +04:00 or South Georgia -02:00",
    "SST": "Samoa -11:00 or Singapore +08:00",
    "AMT": "Amazon -04:00 or Armenia +04:00",
}

# "GMT+3", "UTC -05:00", "GMT+0530": a universal-time name followed by an offset.
_GMT_OFFSET = re.compile(r"(?<![A-Za-z])(?:UTC|GMT|UT)\s*([+-])(\d{1,2})(?::?(\d{2}))?(?![\d:])")
_OFFSET_HINT = "give the date with a UTC offset such as -05:00 instead"


class UnknownTimeZone(ValueError):
    """A time-zone name that is ambiguous or not known; the message says which and why."""


def zone_offset(name: str) -> _dt.timezone:
    """Return the fixed UTC offset of a time-zone abbreviation.

    Parameters
    ----------
    name : str
        An abbreviation such as ``"EST"`` or ``"CEST"`` (upper case, as dates write them).

    Returns
    -------
    datetime.timezone

    Raises
    ------
    UnknownTimeZone
        ``name`` names several zones (``"IST"``) or none known here.

    Examples
    --------
    >>> zone_offset("PDT")
    datetime.timezone(datetime.timedelta(days=-1, seconds=61200), 'PDT')
    >>> zone_offset("IST")
    Traceback (most recent call last):
    ...
    framing._timezones.UnknownTimeZone: ambiguous time zone 'IST' (India +05:30, Irish +01:00 \
or Israel +02:00; give the date with a UTC offset such as -05:00 instead)
    """
    minutes = ZONE_OFFSETS.get(name)
    if minutes is not None:
        return _dt.timezone(_dt.timedelta(minutes=minutes), name)
    if name in AMBIGUOUS_ZONES:
        raise UnknownTimeZone(f"ambiguous time zone {name!r} ({AMBIGUOUS_ZONES[name]}; "
                              f"{_OFFSET_HINT})")
    raise UnknownTimeZone(f"unknown time zone {name!r} ({_OFFSET_HINT})")


def dateutil_tzinfos(name: str | None, offset: int | None) -> _dt.tzinfo | None:
    """The ``tzinfos`` callable for :func:`dateutil.parser.parse`: the table, never local time.

    dateutil calls it with the zone name and the numeric offset (seconds) it found in a
    date, either of which may be ``None``. A numeric offset is what the date says most
    exactly, so it wins over the name beside it ("-0500 (EST)"); a date with neither stays
    naive.

    Raises
    ------
    UnknownTimeZone
        The date has a zone name but no offset, and the name is not in :data:`ZONE_OFFSETS`.
    """
    if offset is not None:
        return _dt.timezone(_dt.timedelta(seconds=offset))
    if name is None:
        return None
    return zone_offset(name)


def spell_out_gmt_offsets(text: str) -> str:
    """Rewrite "GMT+3" as "+03:00", so that dateutil reads the offset with the sign shown.

    Examples
    --------
    >>> spell_out_gmt_offsets("Tue, 05 Mar 2019 10:00:00 GMT+3")
    'Tue, 05 Mar 2019 10:00:00 +03:00'
    >>> spell_out_gmt_offsets("2019-03-05 10:00 UTC-0530")
    '2019-03-05 10:00 -05:30'
    """
    return _GMT_OFFSET.sub(lambda m: f"{m[1]}{int(m[2]):02d}:{m[3] or '00'}", text)
