"""Remove the parts of a news page that are not the article.

Copies of a news story found on the web carry page furniture around the
reporting: share buttons ("Get link", "X", "Other Apps"), navigation,
promotional footers ("download the Moneycontrol App to stay updated!"), links
back to the original ("Read the original article here") and reader comments.
None of it is evidence of where the story came from, and some of it (reader
comments) would be mistaken for the outlet's own claims, so it is removed here,
before any language processing.

The cleaner works on *lines*: plain-text copies of articles and the text
trafilatura extracts from HTML both put one paragraph per line, and page
furniture almost always sits on a line of its own. A line is only removed
when it is recognisably furniture; when in doubt it is kept, because losing
a sentence of reporting is worse than keeping a "Share" button. Four kinds of
rule, from the most to the least certain:

1. *Whole-line labels* anywhere in the text: a line that is nothing but share
   buttons, navigation, an advertisement marker, or a short "Read the original
   article here" / "Click here to read more" link.
2. *Reader comments*: a line that opens a comment section ("Comments",
   "12 comments", "Leave a comment", "ReplyDelete") removes itself and
   everything after it. It must come after some kept text, so an input that
   starts with the word "Comments" is not wiped out.
3. *Trailing block*: scanning back from the end, lines that look promotional
   ("Subscribe to our newsletter", "Find the best of ... specially curated for
   you", "Follow us on ...") or are copyright notices, tag lists and disclaimers
   are removed until the first line that is not. Promotional wording in the
   middle of the reporting is therefore kept, and so is a line that quotes
   someone (several words between quotation marks, :func:`holds_quotation`),
   wherever it stands.
4. *Short promotional interstitials* anywhere: a short line that *starts* like
   a call to action ("Sign up for our newsletter", "Subscribe now") is removed
   even in the middle, as HTML pages put them between paragraphs.
5. *Learned*: the lines all rules keep are scored by a logistic regression over
   cheap line features (:mod:`stemma.ingest.lines`) and removed when it is
   confident (reason :data:`LEARNED`). It never sees a quotation, an attribution,
   a wire's name, a "Source:" line, a transcript line, the first kept line (the
   headline) or a long paragraph (:func:`learnable`).

Output: the kept lines joined by a single ``"\\n"`` (blank lines dropped,
trailing whitespace and ``"\\r"`` of each line removed; the lines are otherwise
byte-identical), and one :class:`~stemma.model.Removed` per run of adjacent
removed lines that share a reason, with offsets into the *input* text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from stemma.model import Removed

# Reasons, as shown to the user next to each removed span.
SHARE = "share buttons"
NAVIGATION = "navigation"
ADVERTISEMENT = "advertisement"
ORIGINAL_LINK = "link to original article"
RELATED = "related-article link"
PROMO = "promotional footer"
PROMO_INLINE = "promotional line"
COPYRIGHT = "copyright notice"
TAGS = "tag list"
DISCLAIMER = "disclaimer"
COMMENTS = "reader comments (and everything after)"
CREDIT = "photo credit or caption"
BYLINE = "byline"
TIMESTAMP = "publication time stamp"
READING_TIME = "reading time"
DEVELOPING = "note that the story is developing"
WIDGET = "page widget (player, icon, app or feedback link)"
COOKIES = "cookie notice"
LEARNED = "page furniture (learned line classifier)"
LABEL = "name or section label on a line of its own"

# A whole-line label is short; longer lines are paragraphs, whatever they say.
MAX_LABEL_WORDS = 12
# A trailing promotional line may be a long sentence (001's Moneycontrol footer
# has 31 words), but a whole paragraph of reporting is longer still.
MAX_PROMO_WORDS = 60
# Separators that chain share buttons or menu items on one line ("Share | Tweet").
_ITEM_SPLIT = re.compile(r"\s*(?:\||·|•|/|,)\s*")
# List bullets that HTML-to-text conversion leaves in front of menu items.
_BULLET = re.compile(r"^\s*(?:[-*•·▪►>]+|\d+[.)])\s+")

# Labels of share buttons (compared in lower case, whole item). Taken from the
# share bars of Blogger, WordPress (Jetpack/AddToAny/ShareThis), BBC, Guardian,
# Reuters and Indian/Russian news sites. "x" is Twitter's new name.
SHARE_LABELS = frozenset(
    {
        "get link",
        "copy link",
        "copy url",
        "link copied",
        "share",
        "share this",
        "share this article",
        "share this story",
        "share this post",
        "share article",
        "share story",
        "share on facebook",
        "share on twitter",
        "share on x",
        "share on whatsapp",
        "share on linkedin",
        "share via email",
        "share via",
        "tweet",
        "tweet this",
        "x",
        "twitter",
        "facebook",
        "whatsapp",
        "telegram",
        "linkedin",
        "reddit",
        "pinterest",
        "pin it",
        "pin",
        "tumblr",
        "messenger",
        "email",
        "e-mail",
        "mail",
        "print",
        "print this",
        "print article",
        "sms",
        "other apps",
        "more",
        "vk",
        "vkontakte",
        "ok",
        "flipboard",
        "pocket",
        "threads",
        "bluesky",
        "mastodon",
        "google+",
        "save",
        "bookmark",
        "comment",
        "share full article",
        "gift this article",
        "listen",
        "listen to this article",
        "font size",
        "a+",
        "a-",
        "aa",
    }
)

# Navigation items and accessibility links; a line made only of these (or a
# breadcrumb trail, see _BREADCRUMB) is navigation, not text.
NAVIGATION_LABELS = frozenset(
    {
        "home",
        "homepage",
        "menu",
        "main menu",
        "search",
        "skip to content",
        "skip to main content",
        "skip to navigation",
        "jump to content",
        "back to top",
        "top",
        "next",
        "previous",
        "next article",
        "previous article",
        "next story",
        "previous story",
        "sign in",
        "log in",
        "login",
        "register",
        "sign up",
        "my account",
        "close",
        "open menu",
        "toggle navigation",
        "go to top",
        "scroll to top",
        "you are here",
        "breadcrumb",
        "main navigation",
        "latest news",
        "most read",
        "most popular",
        "trending",
        "editor's picks",
        "related",
        "related articles",
        "related stories",
        "related posts",
        "related news",
        "more stories",
        "more from this section",
        "recommended",
        "recommended for you",
        "you may also like",
        "you might also like",
        "read next",
        "up next",
        "more on this story",
        "top stories",
        "see also",
        "labels",
        "categories",
        "newer post",
        "older post",
        "newer posts",
        "older posts",
        "home page",
        "главная",
        "поделиться",
        "меню",
        "поиск",
    }
)

# "Home > World > Europe", "Home / News / Politics", "Home » Business".
_BREADCRUMB = re.compile(r"^(?:home|news|главная)\s*(?:>|»|›|/|\|)\s*\S", re.IGNORECASE)

# Advertisement markers that survive text extraction.
_ADVERT = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad|ads|реклама|"
    r"(?:story|article) continues (?:below|after) (?:this )?(?:advertisement|ad)|"
    r"continue reading (?:the main story|below(?: the advert(?:isement)?)?)|"
    r"scroll to continue(?: with content)?)\W*$",
    re.IGNORECASE,
)

# Links to the article elsewhere: aggregators and blogs that copy a story end
# (or begin) with one. Anchored at the start of a short line.
_ORIGINAL_LINK = re.compile(
    r"^(?:read (?:the )?(?:original|full|complete|whole|rest of the) (?:article|story|"
    r"report|post|piece)|read (?:more|the full story|the full article|the article|"
    r"the original)(?: here| at| on|:)|"
    r"click here(?: to)? (?:read|for (?:the )?(?:full|more|original))|"
    r"continue reading(?: at| on|:| »)|"
    r"(?:source|via|originally published (?:on|at|by|in))\s*:?\s*https?://|"
    r"this (?:article|story|post) (?:was |is )?(?:originally |first )?(?:published|"
    r"appeared) (?:on|in|at|by)|читать (?:далее|полностью|оригинал))",
    re.IGNORECASE,
)

# "Also read: ...", "READ MORE | ..." — headlines of other articles.
_RELATED = re.compile(
    r"^\(?(?:also read|read also|read more|must read|related|recommended|see also|see more|"
    r"watch|also watch|читайте также)\s*(?::|\||-|–|—)\s*\S",
    re.IGNORECASE,
)

# Lines that open a comment section; they and everything after them go.
_COMMENTS = re.compile(
    r"^(?:comments?|reader comments|\d+\s+comments?|comments?\s*\(\d+\)|"
    r"leave a (?:comment|reply)|post a comment|add (?:a|your) comment|"
    r"show comments|view comments|view all comments|load comments|"
    r"join the (?:conversation|discussion)|discussion|replydelete|reply|"
    r"комментарии|\d+\s+комментари\w*|оставить комментарий)\W*$",
    re.IGNORECASE,
)

# Calls to action that promotional footers are made of, matched anywhere in a
# line of the trailing block. Sources: footers of Moneycontrol, Mint, NDTV,
# Times of India, Hindustan Times, Business Insider, Newsweek, RT, TASS,
# Substack and WordPress newsletters.
_PROMO = re.compile(
    r"download (?:the|our) (?:[\w.&'-]+ ){0,4}app\b|"
    r"\b(?:subscribe|sign up|signup|register)(?: now| here| today| for free|"
    r"\s+(?:to|for) (?:our|free|the latest|updates|unlimited|email|e-mail))\b|"
    r"\b(?:get|receive|join) (?:our|the) (?:[\w-]+ ){0,3}newsletters?\b|"
    r"\bfollow us on\b|\b(?:like|join|find) us on\b|"
    r"\bcurated for you\b|\bfind the best of\b|"
    r"\bstay on top of the latest\b|\bto stay updated\b|\bstay (?:updated|tuned|informed) "
    r"(?:with|on|to|for)\b|^discover the latest\b|\bcatch (?:all )?the latest\b|"
    r"\bcatch all the\b|^get (?:the )?latest (?:news|updates)\b|\bbreaking news alerts?\b|"
    r"\b(?:to|in) your inbox\b|\bclick here\b|\bsupport (?:our|independent) journalism\b|"
    r"\bbecome a (?:member|subscriber|patron)\b|\bunlimited (?:digital )?access\b|"
    r"подписывайтесь|подпишитесь|читайте нас",
    re.IGNORECASE,
)

# Short calls to action that HTML pages place between paragraphs; anchored at
# the start of a short line, so reporting that merely mentions a newsletter stays.
_PROMO_INLINE = re.compile(
    r"^(?:subscribe (?:now|today|here|to (?:our|the))|sign up (?:for|to) (?:our|the)|"
    r"get (?:our|the) (?:[\w-]+ ){0,3}newsletter|follow us on|join (?:us|our) (?:on|channel)|"
    r"download (?:the|our) (?:[\w.&'-]+ ){0,4}app|"
    r"click here to (?:subscribe|get (?:the|our)|download|sign up|join))\b",
    re.IGNORECASE,
)

# -- furniture of plain-text copies (issue 10): credits, bylines, stamps -------------

# What must stay whatever else a line looks like: an attribution ("Reuters
# contributed to this report.", "…, told the BBC.") or a quotation.
_KEEP = re.compile(
    r"\b(?:said|says|told|tells|according to|contributed (?:to )?(?:this|the) (?:report|story)|"
    r"reported|reports|announced|stated|confirmed|added|wrote|asked|declined to comment|"
    r"did not (?:immediately )?respond|could not be reached)\b|[“\"«][^”\"»]{12,}",
    re.IGNORECASE,
)
# A quotation of several words, in any marks ("“…,” he said", "‘…’", "«…»", "„…“"): a
# line holding one quotes someone, and the rules that look for furniture words anywhere
# in a line (promotional footers, credits, cookie notices) never take it. A double mark
# opens the text up to its closing mark, or to the line's end (a quote running over
# paragraphs stays open); a single mark counts only when it opens before a word and
# closes after one, as "’s" and "rock 'n' roll" are no quotations.
_DOUBLE_QUOTED = re.compile(r"[“„«‹「『\"]([^“”„«»‹›「」『』\"\n]+)[”“»›」』\"]?")
_SINGLE_QUOTED = re.compile(r"(?<![\w’'])[‘'](?=[^\s‘’'])((?:[^‘’'\n]|[’'](?=\w))+)[’'](?!\w)")
QUOTATION_MIN_WORDS = 3


def holds_quotation(line: str) -> bool:
    """Whether ``line`` quotes someone: several words between quotation marks."""
    return any(
        len(m.group(1).split()) >= QUOTATION_MIN_WORDS
        for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED)
        for m in pattern.finditer(line)
    )


# Who took a picture: agencies and picture desks as credits name them.
_AGENCY = (
    r"(?:AP(?: Photo)?|AFP|Reuters|REUTERS|Getty(?: Images)?|EPA(?:-EFE)?|Bloomberg|Anadolu|"
    r"Shutterstock|Alamy|PA(?: Wire| Media)?|Xinhua|TASS|Sputnik|Handout|AAP|Pool|"
    r"Associated Press|Wikimedia Commons[^)]*|CC BY[^)]*|CBS|CNN|NBC|ABC|BFMTV|Telegram|"
    r"Facebook|Instagram|X|Twitter)"
)
_CREDIT = re.compile(
    # "Photo: …", "Image credit: …", "(Credit: …)"; "Source:" only for a picture or video
    # ("Source: Video Screenshot") — "Source: Qatar News Agency" names where the report
    # came from, which is evidence, not furniture.
    r"^\(?(?:photo(?:graph)?s?|image|picture|credit|video|illustration|graphic|"
    r"file (?:photo|image)|representative image)(?: credit| source)?\s*:"
    r"|^\(?source\s*:\s*(?:video|screenshot|screen grab|photo|image|file|social media|"
    r"handout|youtube|tiktok)\b"
    # "Gene J. Puskar / AP", "REUTERS/Gonzalo Fuentes", "Jorge Salgado/Anadolu via Getty Images"
    rf"|^[\w.'’ -]{{1,40}}\s*/\s*{_AGENCY}\b[\w .()/-]*$"
    rf"|^{_AGENCY}\s*/\s*[\w.'’ -]{{1,40}}(?:\([^)]*\))?$"
    # "(Photo by JASON REDMOND/AFP via Getty Images)", "Getty Images" alone. A wire's
    # name alone ("Reuters", "(Reuters)") says who reported, and stays.
    r"|^\((?:photo|image|picture)[^)]*\)$|^(?:getty images|shutterstock|alamy)(?: via \w+)?\.?$",
    re.IGNORECASE,
)
# A caption: a description that ends with the picture's credit ("… Baltic Sea. AFP",
# "… (Dai Sugano/Bay Area News Group)", "… (Representative image: AP)").
_CAPTION_END = re.compile(
    rf"(?:\.\s+{_AGENCY}|\((?:[^()]*/[^()]*|(?:photo|image|representative image)[^()]*"
    rf"|{_AGENCY})\))\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?i:by|posted by|written by|words by|reporting by)\s+"
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|"
    r"April|May|June|July|August|September|October|November|December|Then|Now|Noon|Midnight|"
    r"Early|Late|Mid|Dawn|Dusk|Nightfall|Morning|Evening|Tonight|Today|Tomorrow)\b)[A-Z][\w.'’-]*"
    r"|^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} (?i:published|updated)\b",
)
_TIMESTAMP = re.compile(
    r"^(?:[\w.,|: ]{0,40}\|\s*)?(?:published|updated|posted(?: at| on)?|modified|created|"
    r"last updated|first published)\b\s*(?::|\||on\b|at\b|\d)"
    r"|^\d{1,2} \w+ \d{4},? \d{1,2}:\d{2}\s*\|",
    re.IGNORECASE,
)
_READING_TIME = re.compile(
    r"^(?:reading time|read time|estimated reading time)\b|\b\d+\s*(?:min|mins|minutes?)\s+read\b",
    re.IGNORECASE,
)
_DEVELOPING = re.compile(
    r"^(?:this (?:is a )?(?:developing|breaking)(?: news)? (?:story|update)|"
    r"this (?:story|post|article|page) (?:will|may|is being|has been) (?:be )?updated|"
    r"this is a breaking news update|this is an archived article|"
    r"please check back (?:later )?for (?:more )?updates|"
    r"\(?this story has not been edited by)",
    re.IGNORECASE,
)
_WIDGET = re.compile(
    r"^(?:play live radio|available on air stations|next up:?|listen(?: to this article)?|"
    r"watch(?: our report below| live| cbs news| now)?:?|please use chrome browser\b.*|"
    r"font size:?|explore more|give feedback|email this link|camera icon|title icon|"
    r"[\w ]{1,20} logo|open this photo in gallery:?|download (?:the )?app|stay connected|"
    r"get live market quotes & news|advert|key takeaways|share this (?:story|article)|"
    r"share (?:on|via) \w+|image for illustrative purposes?|comment on this story|"
    r"gift (?:this )?article|close this search box|list of \d+ items(?:end of list)?|"
    r"end of list|begin typing your search\W*|connect with us|spot_img|"
    r"please enter your (?:name|email|comment) here|chevron icon\b.*|aptopix\b.*)\W*$",
    re.IGNORECASE,
)
_COOKIES = re.compile(
    r"^we use cookies\b|\bcookie (?:policy|settings|preferences)\b", re.IGNORECASE
)
# A credit that says it is a picture's ("(AP Photo/Steve Helber)", "(Photo by FADEL
# SENNA / AFP)", "(Reuters/Lam Yik)"): the line it closes is a caption, however long
# (wire captions run to two sentences and a date line).
_PHOTO_CREDIT_END = re.compile(
    rf"\((?:[^()]*\bphoto\b[^()]*|[^()]*/\s*{_AGENCY}[^()]*|{_AGENCY}\s*/[^()]*)\)\s*$",
    re.IGNORECASE,
)
MAX_PHOTO_CAPTION_WORDS = 70
# "Related", "More" alone; "More in Uncategorized:", "More from the BBC:" (a colon closes it).
_MORE_IN = re.compile(
    r"^(?:also read|read also|see also|read more|related(?: stories| articles| news)?|more)"
    r"\s*:?\s*$|^more (?:in|from|on|about) [\w'’ -]{1,40}:\s*$",
    re.I,
)
# A caption says it describes a picture: "This handout picture taken and released by
# …", "In this image taken from video footage …", "A screen grab taken from footage
# released by …", a gallery's "1 of 2 | …".
_CAPTION_START = re.compile(
    r"^(?:in )?(?:this|an?) (?:handout |undated |file |aerial |satellite |drone )?"
    r"(?:image|photo(?:graph)?|picture|screen ?grab|screengrab|video grab|still image|"
    r"handout (?:photo|picture|image))s? (?:taken|released|made|provided|shows|showing|"
    r"from|obtained|posted|shared|grabbed|distributed|courtesy)\b"
    r"|^\d{1,2} of \d{1,2}\s*[|·•]",
    re.IGNORECASE,
)
# A one-word page label with its colon and nothing else: "Country:", "Date:".
# Where a person stands in the picture: "Bobby Ognyanov, left, chats with Cody Webb",
# "Yoon Suk Yeol (L) and …". Prose does not place people left and right.
_CAPTION_POSITION = re.compile(
    r"\b[A-Z][\w'’-]+,\s(?:left|right|centre|center|second (?:from )?(?:left|right)"
    r"|far (?:left|right)),\s(?:[a-z]+ly\s)?[a-z]+s\b"
    r"|\b[A-Z][\w'’-]+\s\((?:L|R|C|left|right|centre|center)\)"
)
_ONE_WORD_LABEL = re.compile(r"^[A-Za-z]+:$")
# A line that is only a link ("https://t.co/zn0ixvf9cU"). The signature line of an
# embedded post ("— Keir Starmer (@Keir_Starmer) June 12, 2025") stays: it says who
# wrote the words above it.
_LINK_ONLY = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
# A web server's error printed into the page ("Notice: Function
# _load_textdomain_just_in_time was called incorrectly", "in
# /home/site/public_html/wp-includes/functions.php on line 6121").
_SERVER_NOTICE = re.compile(
    r"^(?:notice|warning|deprecated|fatal error|parse error)\s*:.*\b(?:function|called|php)\b"
    r"|\.php on line \d+",
    re.IGNORECASE,
)
# A byline has no verb: "By Friday, the bank was dead." is reporting.
# Links and menu items whose separators the page's text lost ("HomeNewsWorld",
# "Live: Follow the latest on the Myanmar earthquakeWatch: Moment Bangkok
# high-rise under construction collapsesEyewitnesses describe horror …"): a
# lower-case word run into a capitalised one, twice, in a line with no sentence
# end. A brand ("CrowdStrike") is one such join, not two.
_GLUED_JOIN = re.compile(r"(?<![A-Z])[a-z]{2,}[A-Z][a-z]")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]?(?:\s|$)")
# A breadcrumb whose first link ran into the next: "HomeTop Stories…", "NewsWorld".
_GLUED_CRUMB = re.compile(r"^(?:Home|News)(?=[A-Z][a-z])")
# A picture's file name ("AP25090291916822.jpg"), an icon's ligature name
# ("close_game"), a wire desk's end code ("END/MSS/AJ"), a player or script notice.
_PAGE_DEBRIS = re.compile(
    r"^\S+\.(?:jpe?g|png|gif|webp|avif)$|^[a-z]+(?:_[a-z]+)+$|^END(?:/[A-Z]{1,5}){1,4}$"
    r"|^please (?:ensure|enable) javascript\b|\baudio player ready\b"
    # A machine summary's notice ("This is AI generated summarization, which may have
    # errors", "Show Quick Read Key points generated by AI, verified by newsroom"), a
    # sign-in wall.
    r"|\bai[- ]generated summar|\bgenerated by ai\b.*\bverified\b|^by continuing,? you agree to\b",
    re.IGNORECASE,
)
# A page template's unfilled placeholder ("%USER_NAME% was successfully added to your
# Block List", "{{^userSubscribed}}"): never an article's words, whatever verb it has.
# A long line is an article's paragraph whatever it holds (ECB+ writes its dashes as
# "%%MDASSML%%").
_PLACEHOLDER = re.compile(r"(?<!%)%[A-Z_]{3,}%(?!%)|\{\{[^}]*\}\}")
# A time stamp's label whose date the page put on the next line ("Published on",
# "- Published", "Last updated").
_STAMP_LABEL = re.compile(
    r"^(?:published|updated|last updated|posted|first published)(?: on| at)?:?$", re.IGNORECASE
)
_FINITE = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|could|did|does)\b", re.I)
MAX_CAPTION_WORDS = 30
# Longer lines that are still furniture when they open this way.
MAX_CREDIT_WORDS = 40

# The learned classifier only looks at lines up to this long: a longer one is a paragraph.
MAX_LEARNED_WORDS = 40
# A wire named as the source of the report: "(Reuters)", "MOSCOW, Feb 9 (Reuters) -", "AP".
_WIRE_NAMED = re.compile(
    r"\((?:Reuters|AP|AFP|AFP/Reuters|Associated Press|dpa|EFE|ANSA|Xinhua|TASS|Interfax|"
    r"PTI|IANS|ANI|AA|UNI)\)|^(?:Reuters|AP|AFP|Associated Press|The Associated Press)\.?$"
)

_UNSPACED_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# A speaker-labelled transcript line: "FADEL: That's the voice of …", "Ned Price: …",
# "Q    But the recommendation …" (not a furniture label: "Photo: …", "Read more: …").
_SPEAKER = re.compile(
    r"^(?!(?i:photo|image|picture|video|credit|source|read|related|also|watch|listen|see|"
    r"more|published|updated|posted|tags?|topics?|editor|note|advertisement)\b)"
    r"(?:[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}:|Q|A)\s+\S+(?:\s+\S+){3,}"
)

_COPYRIGHT = re.compile(r"^(?:©|\(c\)|copyright\b)|\ball rights reserved\b", re.IGNORECASE)
#: A rights notice in words, wherever it starts: "The copyrights for these
#: articles are owned by HNA. They may not be redistributed without the
#: permission of the owner."; "This material may not be published, broadcast,
#: rewritten or redistributed." (a bare "may not be published" is news: "the
#: names may not be published under German law").
_RIGHTS = re.compile(
    r"\bcopyrights? (?:for|of|to|in) (?:these|this|the|all|our) (?:articles?|content|stories|"
    r"material|site)\b|\bmay not be (?:re)?(?:published|distributed|redistributed|reproduced|"
    r"copied)\b[^.]{0,60}?\b(?:without|rewritten|redistributed|broadcast)\b",
    re.IGNORECASE,
)
#: Rights notices run to three sentences; longer is prose about rights.
MAX_RIGHTS_WORDS = 60
_TAGS = re.compile(r"^(?:tags?|topics?|filed under|labels|keywords)\s*:", re.IGNORECASE)
_DISCLAIMER = re.compile(
    r"^disclaimer\b|\bviews expressed (?:here |in this \w+ )?(?:are|do not)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Line:
    start: int  # offset of the first character in the input
    end: int  # offset after the last kept character (trailing whitespace excluded)
    text: str


def clean(text: str, *, learned: bool = True) -> tuple[str, tuple[Removed, ...]]:
    """Return ``text`` without page furniture, and every span removed (with why).

    With ``learned`` (the default, for plain-text copies of pages), the lines the
    rules keep are also scored by the learned line classifier
    (:mod:`stemma.ingest.lines`) and removed when it is confident they are
    furniture (reason :data:`LEARNED`), and a name or a section label on a line
    of its own goes too (:data:`LABEL`); off for a page's extracted article.

    >>> clean("Moscow said so.\\n- Get link\\n- X\\nComments\\nNice post!")[0]
    'Moscow said so.'
    """
    lines, reasons = _rule_pass(text, bare=learned)
    if learned:
        _mark_learned(lines, reasons)
    kept = "\n".join(ln.text for ln, why in zip(lines, reasons, strict=True) if why is None)
    return kept, tuple(_spans(text, lines, reasons))


def _rule_pass(text: str, *, bare: bool = True) -> tuple[list[_Line], list[str | None]]:
    """The non-blank lines of ``text`` and the rules' reason to remove each (or None).
    ``bare``: a plain-text copy of a page, where a name or a section label on a line of
    its own is furniture (in a page's extracted article it is a sub-heading)."""
    lines = [ln for ln in _lines(text) if ln.text.strip()]
    reasons: list[str | None] = [None] * len(lines)
    _mark_comments(lines, reasons)
    for i, line in enumerate(lines):
        if reasons[i] is None:
            reasons[i] = _line_reason(line.text)
        # Never the first line: a bare text's headline may be written this way.
        label = bare and i > 0 and _title_case_label(_BULLET.sub("", line.text).strip())
        if reasons[i] is None and label:
            reasons[i] = LABEL
    _mark_trailing_block(lines, reasons)
    return lines, reasons


def learnable(line: str) -> bool:
    """Whether the learned classifier may remove ``line`` at all: never a quotation,
    an attribution ("…, told the BBC.", "Reuters contributed to this report."), a
    wire's name alone or as a dateline ("(Reuters)", "MOSCOW, Feb 9 (Reuters)"), a
    "Source: …" line, an agency credited ("Agencies Via Xinhua"), a paragraph
    longer than :data:`MAX_LEARNED_WORDS` words or a line in a script written
    without spaces (Chinese, Japanese: the features count words and capitals)."""
    bare = _BULLET.sub("", line).strip()
    return not (
        _words(bare) > MAX_LEARNED_WORDS
        or _KEEP.search(bare)
        or holds_quotation(bare)
        or _WIRE_NAMED.search(bare)
        or re.match(r"^\(?(?:news\s+)?source\s*:", bare, re.IGNORECASE)
        or _AGENCY_LINE.search(bare)
        or _SPEAKER.match(bare)
        or _UNSPACED_SCRIPT.search(bare)
    )


def rule_pass_lines(text: str) -> tuple[list[str], list[bool], list[int]]:
    """For training the line classifier: the non-blank lines of ``text``, whether the
    rules remove each, and the indices of the lines the classifier is asked about."""
    lines, reasons = _rule_pass(text)
    return [ln.text for ln in lines], [r is not None for r in reasons], _candidates(lines, reasons)


def _candidates(lines: list[_Line], reasons: list[str | None]) -> list[int]:
    """Lines the rules keep and the classifier may remove. The first kept line is the
    headline of a bare text (the reader makes it the title) and is never a candidate."""
    kept = [i for i, why in enumerate(reasons) if why is None]
    return [
        i
        for i in kept[1:]
        if learnable(lines[i].text)
        and not _wrapped(lines[i - 1].text, lines[i].text)
        and not (i + 1 < len(lines) and _wrapped(lines[i].text, lines[i + 1].text))
    ]


def _wrapped(line: str, following: str) -> bool:
    """Whether ``following`` continues the sentence of ``line`` (a hard-wrapped paragraph)."""
    return following.lstrip()[:1].islower() and not re.search(r"[.!?:;\"”’)]\s*$", line)


def _mark_learned(lines: list[_Line], reasons: list[str | None]) -> None:
    """Mark the candidate lines the learned classifier is confident are furniture."""
    candidates = _candidates(lines, reasons)
    if not candidates:
        return
    from stemma.ingest import lines as classifier

    texts = [ln.text for ln in lines]
    removed = [why is not None for why in reasons]
    folded = [classifier.fold(t) for t in texts]
    cut = classifier.threshold()
    for i in candidates:
        if classifier.probability(classifier.line_features(texts, removed, i, folded)) >= cut:
            reasons[i] = LEARNED


def _lines(text: str) -> Iterator[_Line]:
    """Split into lines with offsets; trailing whitespace is not part of a line."""
    pos = 0
    for raw in text.split("\n"):
        body = raw.rstrip()
        yield _Line(pos, pos + len(body), body)
        pos += len(raw) + 1


def _words(line: str) -> int:
    return len(line.split())


def _items(line: str) -> list[str]:
    """Menu or share items on one line, bullets and separators removed."""
    bare = _BULLET.sub("", line).strip()
    return [item.strip(" :").lower() for item in _ITEM_SPLIT.split(bare) if item.strip(" :")]


def _line_reason(line: str) -> str | None:
    """Why a line is furniture wherever it stands, or None to keep it."""
    bare = _BULLET.sub("", line).strip()
    words = _words(line)
    why = _label_reason(line, bare) if words <= MAX_LABEL_WORDS else None
    if (
        why is None
        and words <= MAX_CREDIT_WORDS
        and not _KEEP.search(bare)
        and not holds_quotation(bare)
    ):
        why = _page_line_reason(bare, words)
    if (
        why is None
        and 4 <= words <= MAX_PHOTO_CAPTION_WORDS
        and (
            _PHOTO_CREDIT_END.search(bare)
            or _CAPTION_START.match(bare)
            or _CAPTION_POSITION.search(bare)
        )
        and not _KEEP.search(bare)
        and not holds_quotation(bare)
    ):
        why = CREDIT
    if why is None and _ONE_WORD_LABEL.match(bare):
        why = LABEL
    if why is None and _glued_links(bare) and not _KEEP.search(bare):
        why = NAVIGATION
    if why is None and words <= MAX_LABEL_WORDS and _PLACEHOLDER.search(bare):
        why = WIDGET
    return why


def _label_reason(line: str, bare: str) -> str | None:
    """Whole-line labels: share buttons, navigation, adverts, links elsewhere."""
    items = _items(line)
    if items and all(item in SHARE_LABELS for item in items):
        return SHARE
    if items and all(item in NAVIGATION_LABELS for item in items):
        return NAVIGATION
    if _BREADCRUMB.match(bare):
        return NAVIGATION
    if _ADVERT.match(bare):
        return ADVERTISEMENT
    if _RELATED.match(bare):  # before ORIGINAL_LINK: "Read more: <headline>" is related
        return RELATED
    if _ORIGINAL_LINK.match(bare):
        return ORIGINAL_LINK
    if _PROMO_INLINE.match(bare):
        return PROMO_INLINE
    return None


def _page_line_reason(bare: str, words: int) -> str | None:
    """Furniture of plain-text copies of pages: credits and captions, bylines,
    time stamps, reading times, "developing story" notes, player widgets,
    cookie notices, a copyright line or a related-story link anywhere. Never
    a line with an attribution or a quotation (checked by the caller)."""
    short = words <= MAX_LABEL_WORDS
    if short and _CREDIT.search(bare):
        return CREDIT
    # A caption is a sentence or two; a paragraph that ends in a credit is kept.
    if 4 <= words <= MAX_CAPTION_WORDS and _CAPTION_END.search(bare):
        return CREDIT
    if _LINK_ONLY.match(bare) or _SERVER_NOTICE.search(bare):
        return WIDGET
    if words <= 16 and _BYLINE.match(bare) and not _FINITE.search(bare):
        return BYLINE
    if words <= 20 and _TIMESTAMP.match(bare) and re.search(r"\d|[:|]\s*$", bare):
        return TIMESTAMP
    if words <= 20 and _date_only(bare):
        return TIMESTAMP
    if _STAMP_LABEL.match(bare):
        return TIMESTAMP
    if short and _READING_TIME.search(bare):
        return READING_TIME
    if _DEVELOPING.match(bare):
        return DEVELOPING
    if short and _WIDGET.match(bare):
        return WIDGET
    if _COOKIES.search(bare):
        return COOKIES
    if words <= 25 and _COPYRIGHT.match(bare):
        return COPYRIGHT
    if words <= MAX_RIGHTS_WORDS and _RIGHTS.search(bare):
        return COPYRIGHT
    if _RELATED.match(bare) or _MORE_IN.match(bare):
        return RELATED
    if _PAGE_DEBRIS.search(bare):
        return WIDGET
    return None


def _glued_links(bare: str) -> bool:
    """Menu items or headlines run together (see ``_GLUED_JOIN``)."""
    if _SENTENCE_END.search(bare):
        return False
    return bool(_GLUED_CRUMB.match(bare)) or len(_GLUED_JOIN.findall(bare)) >= 2


#: The words a line that is only a date or a time is made of ("September 02, 2025
#: 12:18 PM", "| Wed, Aug 23, 2023", "published at 13:51 British Summer Time 14
#: September 2023"), besides numbers.
_MONTHS_AND_DAYS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
     "sun"}
)  # fmt: skip
_DATE_WORDS = _MONTHS_AND_DAYS | {
    "am", "pm", "a.m", "p.m", "gmt", "utc", "bst", "edt", "est", "cet", "cest", "ist", "jst",
    "pst", "pdt", "published", "updated", "posted", "at", "on", "british", "summer", "time",
    "standard", "last", "modified",
}  # fmt: skip
_DATE_TOKEN = re.compile(r"\d+(?:st|nd|rd|th|am|pm)?|\d+[.:]\d+(?:[.:]\d+)?(?:am|pm)?")


def _date_only(bare: str) -> bool:
    """A line that is only a date (and maybe a time): a page's time stamp. A time
    alone ("3:15 P.M. EST", "20:22") may date the live-blog or status entry under
    it, and a bare number is some widget's; both stay, as does a quoted line."""
    if any(c in QUOTE_MARKS for c in bare):
        return False
    tokens = [t.strip(".") for t in re.split(r"[^\w.]+", bare.casefold())]
    tokens = [t for t in tokens if t]
    dated = any(t in _MONTHS_AND_DAYS for t in tokens) or _NUMERIC_DATE.search(bare)
    return (
        bool(tokens)
        and bool(dated)
        and any(c.isdigit() for c in bare)
        and all(t in _DATE_WORDS or _DATE_TOKEN.fullmatch(t) for t in tokens)
    )


#: "10.03.2023", "2023 - 3 - 20", "4/12/2025": a date written in figures.
_NUMERIC_DATE = re.compile(r"\b\d{1,4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,4}\b")
QUOTE_MARKS = '"“”‘’«»„'


#: Lowercase words a name may hold ("Ursula von der Leyen").
_NAME_PARTICLES = frozenset({"de", "da", "van", "von", "der", "al", "el", "bin", "la", "le"})
# A wire or an agency named on a line of its own ("Agencies Via Xinhua") says where the
# report came from: evidence, kept.
_AGENCY_LINE = re.compile(rf"\b(?:via|agencies)\b|^{_AGENCY}$", re.IGNORECASE)


def _title_case_label(bare: str) -> bool:
    """Two to four capitalised words and nothing else, no figure, no stop and no
    quotation: a byline's name ("Gene J. Puskar"), a section ("Central Europe",
    "World News"), a sub-heading. No claim is said in such a line."""
    text = bare.lstrip("*").strip()
    if not text or re.search(r"[\d\"“”‘’:;,!?()|/.]$|[\d\"“”‘’:;,!?()|/]", text):
        return False
    words = text.split()
    return (
        2 <= len(words) <= 4
        and all(w[:1].isupper() or w in _NAME_PARTICLES for w in words)
        and not _AGENCY_LINE.search(text)
    )


def _trailing_reason(line: str) -> str | None:
    """Why a line in the trailing block is furniture, or None."""
    if _words(line) > MAX_PROMO_WORDS or holds_quotation(line):
        return None
    if _PROMO.search(line):
        return PROMO
    if _COPYRIGHT.search(line):
        return COPYRIGHT
    if _TAGS.match(line):
        return TAGS
    if _DISCLAIMER.search(line):
        return DISCLAIMER
    return None


def _mark_comments(lines: list[_Line], reasons: list[str | None]) -> None:
    """Mark the first comment-section opener after some article text, and all after it."""
    seen_text = False
    for i, line in enumerate(lines):
        bare = _BULLET.sub("", line.text).strip()
        if seen_text and _COMMENTS.match(bare):
            for j in range(i, len(lines)):
                reasons[j] = COMMENTS
            return
        if _line_reason(line.text) is None:
            seen_text = True


def _mark_trailing_block(lines: list[_Line], reasons: list[str | None]) -> None:
    """Walk back from the end over furniture; promo lines there are furniture too."""
    for i in range(len(lines) - 1, 0, -1):  # never the first line: it would leave nothing
        if reasons[i] is not None:
            continue
        why = _trailing_reason(lines[i].text)
        if why is None:
            return
        reasons[i] = why


def _spans(text: str, lines: list[_Line], reasons: list[str | None]) -> Iterator[Removed]:
    """Merge runs of adjacent removed lines with the same reason into spans."""
    i = 0
    while i < len(lines):
        why = reasons[i]
        if why is None:
            i += 1
            continue
        j = i
        while j + 1 < len(lines) and reasons[j + 1] == why:
            j += 1
        start, end = lines[i].start, lines[j].end
        yield Removed(start, end, text[start:end], why)
        i = j + 1
