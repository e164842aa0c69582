"""Plain text of HTML with the standard library's parser, block by block: a
feed entry's content, and pages nested deeper than lxml (hence trafilatura)
reads."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tolerant(HTMLParser):
    """The standard parser, minus its one crash on bad markup: Python 3.11's parser
    raises AssertionError on a marked section it does not know ("<![foo[", "<![ 1");
    such a section is read as a bogus comment, as browsers (and later Pythons) do."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)


class _TextOfHtml(_Tolerant):
    """Text of an HTML fragment, one line per block element (feed entries)."""

    BLOCKS = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "tr",
            "section",
            "article",
            "pre",
            "figcaption",
            "ul",
            "ol",
        }
    )
    SKIP = frozenset({"script", "style", "noscript"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment: one paragraph per line, spaces collapsed."""
    return _text(_TextOfHtml(), fragment)


def _text(parser: _TextOfHtml, html: str) -> str:
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


class _TextOfPage(_TextOfHtml):
    """Text of a whole page's body: page furniture elements skipped too."""

    SKIP = _TextOfHtml.SKIP | {"head", "title", "nav", "header", "footer", "aside", "form"}


class _Depth(_Tolerant):
    VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "area", "base", "col",
                      "embed", "source", "track", "wbr", "param"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.depth = self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth = max(0, self.depth - 1)


def nesting_depth(page: str) -> int:
    """How deep the page's elements nest (open tags inside open tags)."""
    parser = _Depth()
    parser.feed(page)
    parser.close()
    return parser.deepest


def page_text(page: str) -> str:
    """Plain text of a page's body, without scripts, navigation, header and
    footer: for pages trafilatura cannot read at all."""
    return _text(_TextOfPage(), page)
