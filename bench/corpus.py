"""A deterministic synthetic news corpus in the house format, for benchmarks.

    python -m bench.corpus 1000 10000 100000

writes bench/corpus/<N>/<block>/<n>.txt (1000 files a folder). Articles run 300 to
1,200 words, are dated over several years and open with a dateline from one of 50
cities. Words follow a Zipf-like distribution over a built-in vocabulary, and about
one article in five carries a rare made-up word, so searches have both common and
rare terms. A corpus already generated with the same version is left alone.
"""

from __future__ import annotations

import random
import shutil
import sys
import time
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

VERSION = 1
"""Bump when the output changes, so old corpora are regenerated."""

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
MARKER = ".corpus-version"
PER_FOLDER = 1000
FIRST_DAY = date(2019, 1, 1)
DAYS = 7 * 365

# Most frequent first: the rank gives the Zipf weight.
_VOCABULARY_TEXT = """
the of and to in a said for on that is with was by as at from it its he has have be are
will which not an government were his they but new their this had been more also one after
who would year two minister people president first over last about country state than
other into percent there could officials when told national all during some police week
years city local three security under between while since talks such against region
economic public most those council where official may support before plans agreement
million foreign leaders groups through work party news several meeting including former
report both water new many told time market international workers already according
military health budget energy trade project summit capital court law rights peace schools
election director company companies prices business director farmers weather rain season
officials district province border power plant bank rates inflation growth investment
exports imports fuel oil gas electricity roads bridge railway port airport hospital
doctors patients students teachers university research scientists study data results
program programme funding aid help families children women men residents community
village town villages towns coast river mountain forest fire floods storm drought
harvest crops food supply shortage demand production factory jobs unemployment wages
union strike protest protesters crowd square streets capital parliament vote voters
campaign candidate opposition coalition reform constitution judge trial case prison
charges investigation evidence witness lawyer ministry department agency committee
commission board chairman spokesman spokeswoman statement interview conference visit
delegation embassy ambassador treaty cooperation partnership relations neighbours
tension conflict ceasefire troops soldiers army navy forces attack killed injured
wounded missing rescue emergency relief shelter camp refugees migrants asylum border
crossing checkpoint patrol operation mission monitoring observers inspectors nuclear
sanctions negotiations deal framework proposal draft resolution council assembly
session debate speech address declaration initiative strategy policy measures steps
priority concerns challenges risks threat warning forecast estimate figures survey
poll analysts experts economists observers critics supporters residents citizens
football match team players coach league championship tournament stadium fans season
goal victory defeat draw final cup record medal olympic athletes race marathon
museum festival exhibition artist music film theatre book author library heritage
tourism tourists hotel travel flights visitors culture language history anniversary
technology internet digital network mobile phone software companies startup platform
online users privacy cyber attack systems infrastructure satellite space launch
climate emissions carbon renewable solar wind targets environment pollution wildlife
species conservation park ocean fishing fishermen ice glacier temperature heat
"""
VOCABULARY = _VOCABULARY_TEXT.split()

CITIES = [
    ("OSLO", "Norway"), ("BAKU", "Azerbaijan"), ("NAIROBI", "Kenya"), ("LIMA", "Peru"),
    ("HANOI", "Vietnam"), ("QUITO", "Ecuador"), ("ACCRA", "Ghana"), ("RIGA", "Latvia"),
    ("TUNIS", "Tunisia"), ("DHAKA", "Bangladesh"), ("MANILA", "Philippines"),
    ("BOGOTA", "Colombia"), ("CAIRO", "Egypt"), ("ANKARA", "Turkey"), ("TBILISI", "Georgia"),
    ("YEREVAN", "Armenia"), ("ALMATY", "Kazakhstan"), ("TASHKENT", "Uzbekistan"),
    ("KATHMANDU", "Nepal"), ("COLOMBO", "Sri Lanka"), ("JAKARTA", "Indonesia"),
    ("SEOUL", "South Korea"), ("OSAKA", "Japan"), ("PERTH", "Australia"),
    ("AUCKLAND", "New Zealand"), ("SUVA", "Fiji"), ("SANTIAGO", "Chile"),
    ("MONTEVIDEO", "Uruguay"), ("ASUNCION", "Paraguay"), ("LA PAZ", "Bolivia"),
    ("HAVANA", "Cuba"), ("KINGSTON", "Jamaica"), ("HALIFAX", "Canada"), ("DENVER", "Colo."),
    ("AUSTIN", "Texas"), ("DAKAR", "Senegal"), ("LAGOS", "Nigeria"), ("KAMPALA", "Uganda"),
    ("LUSAKA", "Zambia"), ("WINDHOEK", "Namibia"), ("RABAT", "Morocco"),
    ("VALLETTA", "Malta"), ("PORTO", "Portugal"), ("SEVILLE", "Spain"), ("LYON", "France"),
    ("GHENT", "Belgium"), ("BERGEN", "Norway"), ("TAMPERE", "Finland"),
    ("KRAKOW", "Poland"), ("BRNO", "Czech Republic"),
]  # fmt: skip

_MONTHS_TEXT = "Jan. Feb. March April May June July Aug. Sept. Oct. Nov. Dec."
MONTHS = _MONTHS_TEXT.split()
_SYLLABLES_TEXT = "ka zo ri vem tal quo ny bre shu dax lim orn pe gar vu tes mi hol xan dru"
SYLLABLES = _SYLLABLES_TEXT.split()
RARE_WORDS = 2000
"""Made-up words each found in a handful of articles at 100k."""
SENTENCES = 30_000


def _vocabulary_weights() -> list[float]:
    # Zipf: the word of rank r is 1/r as frequent as the most frequent one.
    return list(accumulate(1.0 / rank for rank in range(1, len(VOCABULARY) + 1)))


def _sentence_pool(rng: random.Random) -> list[str]:
    weights = _vocabulary_weights()
    pool: list[str] = []
    for _ in range(SENTENCES):
        length = rng.randint(8, 24)
        words = rng.choices(VOCABULARY, cum_weights=weights, k=length)
        if length > 12:
            words[rng.randint(4, length - 4)] += ","
        pool.append(" ".join(words).capitalize() + ".")
    return pool


def _rare_words(rng: random.Random) -> list[str]:
    words: set[str] = set()
    while len(words) < RARE_WORDS:
        words.add("".join(rng.choices(SYLLABLES, k=rng.randint(3, 4))))
    return sorted(words)


def _article(rng: random.Random, pool: list[str], rare: list[str]) -> str:
    day = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    city, country = rng.choice(CITIES)
    dateline = f"{city}, {country}, {MONTHS[day.month - 1]} {day.day}."
    target = rng.randint(300, 1200)
    sentences = rng.choices(pool, k=target // 16 + 1)
    if rng.random() < 0.2:
        index = rng.randrange(1, len(sentences))
        sentences[index] = sentences[index][:-1] + f" near {rng.choice(rare)}."
    paragraphs: list[str] = []
    start = 0
    while start < len(sentences):
        size = rng.randint(2, 5)
        paragraphs.append(" ".join(sentences[start : start + size]))
        start += size
    return f" date {day.isoformat()} {dateline} " + "\n\n".join(paragraphs) + "\n"


def generate(count: int, out: Path | None = None) -> Path:
    """Write `count` articles (unless already there) and return their folder."""
    folder = out or CORPUS_DIR / str(count)
    marker = folder / MARKER
    stamp = f"{VERSION} {count}\n"
    if marker.is_file() and marker.read_text(encoding="utf-8") == stamp:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    rng = random.Random(f"reader-corpus-{VERSION}")
    pool = _sentence_pool(rng)
    rare = _rare_words(rng)
    rng = random.Random(f"reader-corpus-{VERSION}-{count}")
    for number in range(count):
        block = folder / f"{number // PER_FOLDER:03d}"
        if number % PER_FOLDER == 0:
            block.mkdir(parents=True)
        (block / f"{number:06d}.txt").write_text(_article(rng, pool, rare), encoding="utf-8")
    marker.write_text(stamp, encoding="utf-8")
    return folder


def ensure(count: int) -> Path:
    """The folder of a `count`-article corpus, generated first if needed."""
    return generate(count)


def main(argv: list[str]) -> int:
    """Generate one corpus per size given on the command line."""
    sizes = [int(arg.replace("_", "")) for arg in argv] or [1000]
    for size in sizes:
        started = time.perf_counter()
        folder = generate(size)
        print(f"{size:>7} articles in {folder} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
