"""Tests for stemma.ingest.clean: page furniture goes, every sentence of reporting stays."""

from __future__ import annotations

import pytest

from stemma.ingest.clean import (
    ADVERTISEMENT,
    COMMENTS,
    CREDIT,
    LABEL,
    LEARNED,
    NAVIGATION,
    ORIGINAL_LINK,
    PROMO,
    PROMO_INLINE,
    RELATED,
    SHARE,
    TIMESTAMP,
    clean,
)

# The lines of the example corpus that are not the article's own text, per file.
BOILERPLATE = {
    "000_3c45b8d28d6be2d7.txt": set(),
    "001_1da184889dc0a294.txt": {
        "Discover the latest Business News, Sensex, and Nifty updates. Obtain Personal Finance "
        "insights, tax queries, and expert opinions on Moneycontrol or download the "
        "Moneycontrol App to stay updated!",
        "Find the best of Al News in one place, specially curated for you every weekend.",
        "Stay on top of the latest tech trends and biggest startup news.",
    },
    "002_a0c40a7f595994d5.txt": set(),
    "003_90f4051510850127.txt": {"- Get link", "- X", "- Other Apps", "Comments", "ReplyDelete"},
    "004_2ce7c95e2a32e4ab.txt": {"Read the original article here"},
}
# 003's reader comment: it follows "Comments", so it goes with the section.
COMMENT_003 = "This has been known for at least 25 years that I know of"

# Real sentences of reporting from the corpus, used around invented furniture.
REPORT_1 = (
    "A leaked memo believed to be from the FSB appears to show deep distrust and anger "
    "growing within the ranks of Russia’s intelligence community."
)
REPORT_2 = (
    "The Soviet Union heavily explored the potential of ekranoplans, particularly during "
    "the Cold War."
)
REPORT_3 = (
    "Citing intelligence officers, the NYT reported that Beijing is spying on Moscow’s "
    "military operations in Ukraine to gather more information on Western weapons and warfare."
)


def _reporting_lines(name: str, text: str) -> list[str]:
    lines = [ln.rstrip() for ln in text.split("\n") if ln.strip()]
    return [ln for ln in lines if ln not in BOILERPLATE[name] and not ln.startswith(COMMENT_003)]


def test_clean_keeps_every_reporting_line_of_corpus_byte_identical(example_texts):
    for name, text in example_texts.items():
        cleaned, _ = clean(text)
        assert cleaned.split("\n") == _reporting_lines(name, text), name


def test_clean_keeps_every_sentence_of_reporting(example_texts, nlp):
    for name, text in example_texts.items():
        cleaned, removed = clean(text)
        reporting = "\n".join(_reporting_lines(name, text))
        expected = {s.text.strip() for s in nlp(reporting).sents}
        kept = {s.text.strip() for s in nlp(cleaned).sents}
        assert expected == kept, name
        for span in removed:
            assert not any(sentence in span.text for sentence in expected if len(sentence) > 30)


def test_clean_removes_all_three_share_groups_of_003(example_texts):
    text = example_texts["003_90f4051510850127.txt"]
    cleaned, removed = clean(text)
    assert "Get link" not in cleaned and "Other Apps" not in cleaned
    assert "\n- X" not in cleaned and not cleaned.startswith("- X")
    share = [r for r in removed if r.reason == SHARE]
    assert sum(r.text.count("- Get link") for r in share) == 3
    assert sum(r.text.count("- Other Apps") for r in share) == 3


def test_clean_removes_comment_section_of_003_and_everything_after(example_texts):
    text = example_texts["003_90f4051510850127.txt"]
    cleaned, removed = clean(text)
    assert COMMENT_003 not in cleaned
    assert "ReplyDelete" not in cleaned
    assert cleaned.endswith("growing mistrust behind the scenes.")
    comments = [r for r in removed if r.reason == COMMENTS]
    assert len(comments) == 1
    assert comments[0].text.startswith("Comments\n" + COMMENT_003)
    assert comments[0].text.endswith("ReplyDelete")
    assert comments[0].end == len(text.rstrip())


def test_clean_removes_the_three_promotional_lines_of_001(example_texts):
    text = example_texts["001_1da184889dc0a294.txt"]
    cleaned, removed = clean(text)
    assert [r.reason for r in removed] == [PROMO]
    assert removed[0].text.split("\n") == [
        line for line in text.split("\n") if line in BOILERPLATE["001_1da184889dc0a294.txt"]
    ]
    assert cleaned.endswith("relationships in modern history.")
    assert "Moneycontrol" not in cleaned and "curated for you" not in cleaned


def test_clean_removes_read_the_original_article_line_of_004(example_texts):
    text = example_texts["004_2ce7c95e2a32e4ab.txt"]
    cleaned, removed = clean(text)
    assert "Read the original article here" not in cleaned
    assert [(r.reason, r.text) for r in removed] == [
        (ORIGINAL_LINK, "Read the original article here")
    ]


def test_clean_leaves_articles_without_furniture_untouched(example_texts):
    for name in ("000_3c45b8d28d6be2d7.txt", "002_a0c40a7f595994d5.txt"):
        text = example_texts[name]
        assert clean(text) == (text.rstrip("\n"), ())


def test_clean_removed_offsets_point_into_the_input(example_texts):
    for text in example_texts.values():
        _, removed = clean(text)
        for span in removed:
            assert text[span.start : span.end] == span.text


@pytest.mark.parametrize(
    "line",
    [
        "Share",
        "Tweet",
        "Facebook",
        "WhatsApp",
        "Email",
        "Print",
        "Copy link",
        "- Share on Facebook",
        "Share | Tweet | Email",
        "* Twitter",
        "• LinkedIn",
    ],
)
def test_clean_removes_invented_share_lines(line):
    cleaned, removed = clean(f"{REPORT_1}\n{line}\n{REPORT_2}")
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert [(r.reason, r.text) for r in removed] == [(SHARE, line)]


@pytest.mark.parametrize(
    "line",
    [
        "Skip to main content",
        "Home > World > Europe",
        "Home | News | Politics",
        "Related articles",
        "Back to top",
    ],
)
def test_clean_removes_invented_navigation_lines(line):
    cleaned, removed = clean(f"{line}\n{REPORT_1}\n{REPORT_2}")
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert [r.reason for r in removed] == [NAVIGATION]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ADVERTISEMENT", ADVERTISEMENT),
        ("Story continues below advertisement", ADVERTISEMENT),
        ("Click here to read more", ORIGINAL_LINK),
        ("This article was originally published on The Conversation.", ORIGINAL_LINK),
        ("Also read: Putin and Xi sign joint declaration", RELATED),
        ("READ MORE: China plague outbreak confirmed in Beijing", RELATED),
        ("CLICK HERE TO GET THE FOX NEWS APP", PROMO_INLINE),
    ],
)
def test_clean_removes_invented_inline_furniture(line, reason):
    cleaned, removed = clean(f"{REPORT_1}\n{line}\n{REPORT_2}")
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert [r.reason for r in removed] == [reason]


@pytest.mark.parametrize(
    "footer",
    [
        "Subscribe to our newsletter for the latest updates.",
        "Follow us on Twitter, Facebook and Telegram.",
        "Catch all the Business News, Market News and Breaking News Events on Live Mint. "
        "Download The Mint News App to get Daily Market Updates.",
        "Get the best of our journalism delivered to your inbox every morning.",
        "© 2025 Example Media Ltd. All rights reserved.",
    ],
)
def test_clean_removes_invented_promotional_footers(footer):
    cleaned, removed = clean(f"{REPORT_1}\n{REPORT_2}\n{footer}")
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert [r.text for r in removed] == [footer]


@pytest.mark.parametrize(
    "opener", ["Comments", "12 Comments", "Leave a comment", "Post a Comment", "Comments (3)"]
)
def test_clean_removes_invented_comment_sections(opener):
    text = f"{REPORT_1}\n{REPORT_2}\n{opener}\nGreat article, thanks!\nReply\n{REPORT_3}"
    cleaned, removed = clean(text)
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert [r.reason for r in removed] == [COMMENTS]
    assert removed[0].text.endswith(REPORT_3)


def test_clean_keeps_promotional_wording_in_the_middle_of_reporting():
    promo_like = "Stay on top of the latest tech trends and biggest startup news."
    text = f"{REPORT_1}\n{promo_like}\n{REPORT_2}"
    assert clean(text) == (text, ())


def test_clean_keeps_a_last_paragraph_of_reporting_that_mentions_subscribing():
    last = "Moscow does not subscribe to the view that Beijing is an ally, the document said."
    text = f"{REPORT_1}\n{last}"
    assert clean(text) == (text, ())


def test_clean_keeps_sentences_that_merely_contain_furniture_words():
    lines = [
        "Comments by the Kremlin on the memo were not immediately available.",
        "Share prices of Chinese defence firms rose after the report.",
        "The FSB told officers to email their findings to Moscow.",
    ]
    text = "\n".join([REPORT_1, *lines, REPORT_2])
    assert clean(text) == (text, ())


def test_clean_does_not_wipe_text_that_starts_with_a_comment_word():
    text = f"Comments\n{REPORT_1}"
    cleaned, _ = clean(text)
    assert REPORT_1 in cleaned


def test_clean_normalises_blank_lines_and_line_ends():
    cleaned, removed = clean(f"{REPORT_1}\r\n\r\n\n  \n{REPORT_2}  \n\n")
    assert cleaned == f"{REPORT_1}\n{REPORT_2}"
    assert removed == ()


# -- furniture of plain-text page copies (issue 10), lines from the events' gold ------------


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("REUTERS/Gonzalo Fuentes (Gonzalo Fuentes)", "photo credit or caption"),
        ("Gene J. Puskar / AP", "photo credit or caption"),
        ("Jorge Salgado/Anadolu via Getty Images", "photo credit or caption"),
        ("(Photo by JASON REDMOND/AFP via Getty Images)", "photo credit or caption"),
        ("Credit: AP", "photo credit or caption"),
        ("A plume of escaped gas bubbles from the Baltic Sea. AFP", "photo credit or caption"),
        (
            "File image of Russia's Nord Stream 2 pipeline (Representative image: AP)",
            "photo credit or caption",
        ),
        ("By Danielle De Wolfe", "byline"),
        ("By Greg Bensinger, Anna Tong, Krystal Hu and Jeffrey Dastin", "byline"),
        ("Posted at 4:17 PM, Feb 13, 2023", "publication time stamp"),
        (
            "Published: Feb. 4, 2023 at 1:09 PM EST|Updated: Feb. 4, 2023 at 8:19 PM EST",
            "publication time stamp",
        ),
        ("23 August 2023, 18:15 | Updated: 23 August 2023, 20:30", "publication time stamp"),
        ("Reading Time: 2 minutes", "reading time"),
        ("This is a developing story and will be updated.", "note that the story is developing"),
        (
            "This post will be updated as new information is available.",
            "note that the story is developing",
        ),
        ("Play Live Radio", "page widget (player, icon, app or feedback link)"),
        ("Share on LinkedIn", "share buttons"),
        (
            "We use cookies to improve user experience, and analyse website traffic.",
            "cookie notice",
        ),
        ("© 2024 WOSU Public Media", "copyright notice"),
        # Tempi (eval/events, 06): a rights notice in words, three sentences long.
        (
            "The copyrights for these articles are owned by HNA. They may not be redistributed "
            "without the permission of the owner. The opinions expressed by our authors do not "
            "necessarily reflect the opinions of HNA and its representatives.",
            "copyright notice",
        ),
        (
            "This material may not be published, broadcast, rewritten or redistributed.",
            "copyright notice",
        ),
        (
            "RELATED: East Palestine families want reassurance well water is safe to drink "
            "after train derailment",
            "related-article link",
        ),
        # Baltimore (eval/events, 05): a wire caption of 31 words closed by its credit.
        (
            "A cargo ship is stuck under the part of the structure of the Francis Scott Key "
            "Bridge after the ship hit the bridge Tuesday March 26, 2024, in Baltimore, "
            "Maryland.   (AP Photo/Steve Helber)",
            "photo credit or caption",
        ),
        (
            "SEE MORE: Families hunt for loved ones missing since Hurricane Otis",
            "related-article link",
        ),
        ("More in Uncategorized:", "related-article link"),
        ("https://t.co/zn0ixvf9cU", "page widget (player, icon, app or feedback link)"),
        ("Close this search box.", "page widget (player, icon, app or feedback link)"),
        ("list of 4 itemsend of list", "page widget (player, icon, app or feedback link)"),
        (
            "in /home/thedcapk/public_html/wp-includes/functions.php on line 6121",
            "page widget (player, icon, app or feedback link)",
        ),
        # Myanmar, Pahalgam (eval/events): a picture's file name, an icon's name, a wire
        # desk's end code, a script notice, an audio player.
        ("AP25090291916822.jpg", "page widget (player, icon, app or feedback link)"),
        ("close_game", "page widget (player, icon, app or feedback link)"),
        ("END/MSS/AJ", "page widget (player, icon, app or feedback link)"),
        (
            "Please ensure Javascript is enabled for purposes of website accessibility",
            "page widget (player, icon, app or feedback link)",
        ),
        (
            "Getting your Trinity Audio player ready...",
            "page widget (player, icon, app or feedback link)",
        ),
        # Links run together when the page lost their separators (Myanmar 04, Tempi 11).
        (
            "Live: Follow the latest on the Myanmar earthquakeWatch: Moment Bangkok high-rise "
            "under construction collapsesEyewitnesses describe horror in quake's aftermath What "
            "we know so farIn pictures: Damaged buildings and buckled roads",
            "navigation",
        ),
        ("HomeTop StoriesCrash victims returned to families in closed coffins", "navigation"),
        ("HomeNewsWorld", "navigation"),
        # Own events' pages: a credit with a spaced colon, a time stamp's label alone, a
        # template's placeholder, a machine summary's notice, a sign-in wall, a caption
        # that places people left and right.
        ("Image Source : PTI", "photo credit or caption"),
        ("Published on", "publication time stamp"),
        (
            "%USER_NAME% was successfully added to your Block List",
            "page widget (player, icon, app or feedback link)",
        ),
        (
            "This is AI generated summarization, which may have errors.",
            "page widget (player, icon, app or feedback link)",
        ),
        (
            "By continuing you agree to our Terms and Privacy Policy.",
            "page widget (player, icon, app or feedback link)",
        ),
        ("Please check back for updates....", "note that the story is developing"),
        (
            "Bobby Ognyanov, left, chats with Cody Webb outside the bar in Altadena on Thursday.",
            "photo credit or caption",
        ),
        (
            "South Korean President Yoon Suk Yeol (L) and first lady Kim Keon Hee arrive in Seoul",
            "photo credit or caption",
        ),
    ],
)
def test_clean_removes_page_furniture_of_plain_text(line: str, reason: str) -> None:
    text = f"Officials said the fire was out.\n{line}\nResidents returned home on Wednesday."
    kept, removed = clean(text)
    assert line not in kept
    assert [r.reason for r in removed] == [reason]
    assert kept == "Officials said the fire was out.\nResidents returned home on Wednesday."


@pytest.mark.parametrize(
    "line",
    [
        "By Friday, Silicon Valley Bank was dead.",  # a must-keep line of the SVB event
        "By the time rescuers arrived, the camp was gone.",
        "Reuters contributed to this report.",
        "(Reuters)",  # a wire's name alone says who reported
        "Source: Qatar News Agency",  # where the report came from: evidence
        "“We are watching it closely,” the Pentagon said.",
        "The AP photo was taken on Saturday, the agency told the BBC.",
        "Orb spotted over Billings is suspected Chinese surveillance balloon",
        "The names of the victims may not be published under German law.",
        # Who wrote an embedded post: its attribution.
        "— Keir Starmer (@Keir_Starmer) June 12, 2025",
        # A paragraph closed by a wire's name is reporting; so is one quoting a caption.
        "The company said revenue rose 5% in the quarter, beating forecasts. (Reuters)",
        "Warning: the river will rise again tomorrow, forecasters said.",
        # Brands written in camel case are one join each, and a sentence ends.
        "CrowdStrike and OpenAI restored service to most customers",
        "NewsGuard rated the site as unreliable in 2023.",
        # Reporting about machine-made pictures, people who left, a date published.
        "Experts found the images were AI-generated.",
        # ECB+ writes its dashes as a token that looks like a template's placeholder.
        "EYP MCF ’ s capabilities %%MDASSML%% particularly its expertise in energy - efficient "
        "operations %%MDASSML%% complement HP ’ s extensive Data Center Services.",
        "Many residents have left, and the town is empty.",
        "The report was published on Tuesday.",
    ],
)
def test_clean_keeps_short_reporting_attribution_and_quotes(line: str) -> None:
    text = f"Officials said the fire was out.\n{line}\nResidents returned home on Wednesday."
    kept, removed = clean(text)
    assert line in kept.split("\n")
    assert removed == ()


# -- the learned line classifier (stemma.ingest.lines), on real lines of the events ----------

_DERNA_LEAD = (
    "Many of the casualties from the devastating floods in Libya this week could have been "
    "avoided if the divided country had a functional weather service able to issue warnings, "
    "according to the World Meteorological Organization (WMO)."
)
_DERNA_NEXT = (
    "Speaking to reporters in Geneva on Thursday, WMO Secretary-General Petteri Taalas said "
    "Libya’s main challenge in managing the aftermath of the floods that have killed thousands "
    "and displaced tens of thousands was that the governing was “not functioning normally”."
)
_DERNA_QUOTE = (
    "“If they would have been a normally operating meteorological service, they could have "
    "issued a warning,” he said."
)
_DERNA_TOP = [
    "Functioning weather service may have prevented Libya flood casualties: WMO",
    "World Meteorological Organization boss says many people could have been saved if divided "
    "country had a normally operating meteorological service.",
]
# Furniture of real pages, with the lines around it as the page has them.
_TITAN_12 = [
    "Missing Titanic sub: All 5 passengers 'sadly lost', OceanGate releases statement",
    "US Coast Guard says discovered debris from the submersible suggests 'catastrophic loss'",
]
_TITAN_12_LEAD = (
    "All five passengers on board the Titanic sub — including Dubai-based billionaire Hamish "
    "Harding – are believed to be dead, according to a statement released by OceanGate, which "
    "operates the vessel."
)
_PRIGOZHIN_03 = [
    "Wagner Group boss Yevgeny Prigozhin 'killed in plane crash' in Russia, amid claims of "
    "explosion onboard",
    "23 August 2023, 18:15 | Updated: 23 August 2023, 20:30",
    "Prigozhin was on the plane that went down north of Moscow",
]
_PRIGOZHIN_03_LEAD = (
    "Wagner boss Yevgeny Prigozhin is believed to have died in a plane crash in Russia."
)
_TAI_PO_12_NEXT = (
    "Your browser is out of date, and may not be compatible with our website. A list of the "
    "most popular web browsers can be found below."
)


@pytest.mark.parametrize(
    ("before", "furniture", "after"),
    [
        # a caption under a section label (derna-floods-2023-09, doc 06)
        (
            [*_DERNA_TOP, "Libya Flooding"],
            "People look for survivors in the hard-hit city of Derna, in eastern Libya "
            "[Yousef Murad/AP]",
            [_DERNA_LEAD, _DERNA_NEXT, _DERNA_QUOTE],
        ),
        # a caption with its credit (prigozhin-plane-crash-2023-08, doc 03)
        (
            _PRIGOZHIN_03,
            "Prigozhin was on the plane that went down north of Moscow. Picture: Telegram/Alamy",
            ["By Danielle De Wolfe", _PRIGOZHIN_03_LEAD],
        ),
        # a byline with time stamps (titan-submersible-2023-06, doc 12)
        (
            _TITAN_12,
            "Angel Tesorero by Kirstin Bernabe Published: Thu 22 Jun 2023, 10:58 PM Last "
            "updated: Thu 22 Jun 2023, 11:19 PM",
            [_TITAN_12_LEAD],
        ),
        # a browser notice (tai-po-fire-2025-11, doc 12)
        (["TheJakartaPost"], "Please Update your browser", [_TAI_PO_12_NEXT, _DERNA_LEAD]),
    ],
)
def test_learned_classifier_removes_furniture_of_real_pages(
    before: list[str], furniture: str, after: list[str]
) -> None:
    kept, removed = clean("\n\n".join([*before, furniture, *after]))
    assert furniture not in kept
    assert any(furniture in r.text for r in removed)
    assert after[-1] in kept


@pytest.mark.parametrize(
    "line",
    [
        "Reuters contributed to this report.",
        "The official said in a statement to Fox News Digital.",
        "in case the sub is found, AP reported.",
        "“We are devastated,” a relative told the BBC.",
        "(Reuters)",
        "Source: Qatar News Agency",
        "FADEL: That's the voice of an eyewitness watching the plane fall from the sky",
    ],
)
def test_learned_classifier_keeps_attributions_and_quotes(line: str) -> None:
    text = "\n\n".join([*_DERNA_TOP, _DERNA_LEAD, line, _DERNA_NEXT])
    kept, _ = clean(text)
    assert line in kept


def test_learned_classifier_can_be_switched_off() -> None:
    text = "\n".join(["TheJakartaPost", "Please Update your browser", _TAI_PO_12_NEXT])
    assert "Please Update your browser" in clean(text, learned=False)[0]
    assert clean(text)[1][0].reason == LEARNED
    assert "Please Update your browser" not in clean(text)[0]


# Real lines of the events' pages (eval/events gold `boilerplate`), ninth session.
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("September 02, 2025 12:18 PM", TIMESTAMP),
        ("| Wed, Aug 23, 2023", TIMESTAMP),
        ("published at 13:51 British Summer Time 14 September 2023", TIMESTAMP),
        ("10.03.2023, 16:05", TIMESTAMP),
        ("Thursday, February 29, 2024", TIMESTAMP),
        ("October 28th 2023.", TIMESTAMP),
        ("Gene J. Puskar", LABEL),
        ("Central Europe", LABEL),
        ("World News", LABEL),
        ("Juliet Buna", LABEL),
    ],
)
def test_clean_removes_a_date_a_name_or_a_section_label_on_its_own_line(line, reason):
    cleaned, removed = clean(f"{REPORT_1}\n{line}\n{REPORT_3}")
    assert cleaned == f"{REPORT_1}\n{REPORT_3}"
    assert [r.reason for r in removed] == [reason]


def test_clean_keeps_a_headline_an_agency_line_and_short_reporting():
    # The first line may be a bare text's headline; "Agencies Via Xinhua" says where the
    # report came from (a must-keep line of the events' gold); a short sentence reports.
    for text in (
        f"Hurricane Otis Hits Acapulco\n{REPORT_1}",
        f"{REPORT_1}\nAgencies Via Xinhua\n{REPORT_3}",
        f"{REPORT_1}\nRescuers Found Them.\n{REPORT_3}",
        f"{REPORT_1}\nThe toll rose to 43\n{REPORT_3}",
        # A time alone may date the live-blog or status entry under it (balloon 06).
        f"{REPORT_1}\n3:15 P.M. EST\n{REPORT_3}",
        # A quotation cut after its first words (OpenAI 04) is no time stamp.
        f"{REPORT_1}\n“At 12:\n{REPORT_3}",
    ):
        cleaned, removed = clean(text, learned=False)
        assert cleaned == text, text
        assert not removed


# Real lines of the events' pages (eval/events gold `boilerplate`), twelfth session.
@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (
            "This handout picture taken and released by Taiwan’s Central Weather "
            "Administration shows a partially collapsed building in Hualien.",
            CREDIT,
        ),
        (
            "In this image taken from video footage run by TVBS, a partially collapsed "
            "building is seen in Hualien.",
            CREDIT,
        ),
        (
            "This photo taken with a drone shows portions of a Norfolk Southern freight train "
            "that derailed in East Palestine.",
            CREDIT,
        ),
        ("1 of 2 | Transportation Secretary Pete Buttigieg on Tuesday spoke to reporters.", CREDIT),
        ("Country:", LABEL),
        ("Date:", LABEL),
        ("Read also:", RELATED),
    ],
)
def test_clean_removes_a_caption_that_says_it_is_one_and_a_bare_label(line, reason):
    cleaned, removed = clean(f"{REPORT_1}\n{line}\n{REPORT_3}", learned=False)
    assert cleaned == f"{REPORT_1}\n{REPORT_3}"
    assert [r.reason for r in removed] == [reason]


def test_clean_keeps_reporting_about_a_picture_and_a_cue_before_a_quote():
    for line in (
        "This photo was the last one his family received before the crash, they said.",
        "A photo of the victim circulated on social media on Tuesday and drew comments.",
        "He said:",
    ):
        text = f"{REPORT_1}\n{line}\n{REPORT_3}"
        assert clean(text, learned=False)[0] == text, line
