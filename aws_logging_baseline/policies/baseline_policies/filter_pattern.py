"""A parser for CloudWatch Logs JSON filter patterns, `{ ($.x = "y") || ($.a NOT EXISTS) ... }`, into a canonical form.

Two patterns that differ only by clause order, redundant parentheses, whitespace or the quotes around a value
parse to the same canonical form, so a metric filter is judged by what it matches, not by how it is written.
Syntax: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html (JSON log events:
selectors `$.a.b[0]`, operators = != < > <= >=, `IS TRUE|FALSE|NULL`, `NOT EXISTS`, `&&`, `||`, parentheses).

AWS documents no precedence between && and ||, so a pattern that mixes them without parentheses is refused as
ambiguous rather than guessed at.
"""

import re
from dataclasses import dataclass
from typing import Union

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\))
      | (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<word>[^\s()&|!=<>"]+)
    )""",
    re.VERBOSE,
)
_COMPARISONS = ("=", "!=", "<", ">", "<=", ">=")
_SELECTOR = re.compile(r"\$(\.[A-Za-z0-9_@-]+|\[\d+\]|\.\*|\[\*\])+")


class PatternError(ValueError):
    """The text is not a JSON filter pattern this parser understands."""


@dataclass(frozen=True)
class Clause:
    selector: str
    operator: str  # = != < > <= >=, or IS, or NOT EXISTS
    value: str  # the unquoted value; "" for NOT EXISTS

    def __str__(self) -> str:
        if self.operator == "NOT EXISTS":
            return f"{self.selector} NOT EXISTS"
        return f'{self.selector} {self.operator} "{self.value}"'


@dataclass(frozen=True)
class Group:
    operator: str  # "&&" or "||"
    terms: frozenset  # of Clause | Group; a frozenset: the order of the terms does not change the meaning

    def __str__(self) -> str:
        return "(" + f" {self.operator} ".join(sorted(str(t) for t in self.terms)) + ")"


Node = Union[Clause, Group]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise PatternError(f"unexpected {text[position:position + 12]!r}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens, self.index = tokens, 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise PatternError("the pattern ends too early")
        self.index += 1
        return token

    def expression(self) -> Node:
        terms, joiner = [self.primary()], None
        while (token := self.peek()) is not None and token[1] in ("&&", "||"):
            self.take()
            if joiner is not None and token[1] != joiner:
                raise PatternError("&& and || are mixed without parentheses (AWS documents no precedence)")
            joiner = token[1]
            terms.append(self.primary())
        return terms[0] if joiner is None else _group(joiner, terms)

    def primary(self) -> Node:
        kind, text = self.take()
        if text == "(":
            node = self.expression()
            if self.peek() is None or self.take()[1] != ")":
                raise PatternError("a parenthesis is not closed")
            return node
        if kind != "word" or not _SELECTOR.fullmatch(text):
            raise PatternError(f"expected a selector such as $.eventName, got {text!r}")
        return self.condition(text)

    def condition(self, selector: str) -> Clause:
        kind, text = self.take()
        if kind == "op" and text in _COMPARISONS:
            kind, value = self.take()
            if kind == "quoted":
                return Clause(selector, text, value[1:-1])
            if kind == "word":
                return Clause(selector, text, value)
            raise PatternError(f"expected a value after {selector} {text}")
        if kind == "word" and text.upper() == "NOT" and self.take()[1].upper() == "EXISTS":
            return Clause(selector, "NOT EXISTS", "")
        if kind == "word" and text.upper() == "IS":
            return Clause(selector, "IS", self.take()[1].upper())
        raise PatternError(f"expected a comparison after {selector}, got {text!r}")


def _group(operator: str, terms: list[Node]) -> Group:
    """Flattens nested groups of the same operator: (a && (b && c)) is a && b && c."""
    flat: set[Node] = set()
    for term in terms:
        if isinstance(term, Group) and term.operator == operator:
            flat |= term.terms
        else:
            flat.add(term)
    return Group(operator, frozenset(flat))


def parse(pattern: str) -> Node:
    """The canonical form of a JSON filter pattern `{ ... }`; PatternError when it is not one."""
    text = pattern.strip()
    if not (text.startswith("{") and text.endswith("}")):
        raise PatternError("a JSON filter pattern is enclosed in { }")
    parser = _Parser(_tokens(text[1:-1]))
    node = parser.expression()
    if parser.peek() is not None:
        raise PatternError(f"unexpected {parser.peek()[1]!r} after a complete expression")
    return node


def differences(actual: Node, expected: Node) -> str:
    """A short account of how `actual` differs from `expected` (same canonical form: "")."""
    if actual == expected:
        return ""
    if isinstance(actual, Group) and isinstance(expected, Group):
        if actual.operator != expected.operator:
            return f"its clauses are joined by {actual.operator} where the reference joins them by {expected.operator}"
        missing = sorted(str(t) for t in expected.terms - actual.terms)
        extra = sorted(str(t) for t in actual.terms - expected.terms)
        parts = []
        if missing:
            parts.append("it lacks " + "; ".join(missing))
        if extra:
            parts.append("it adds " + "; ".join(extra))
        return ", and ".join(parts)
    return f"it is {actual} where the reference is {expected}"
