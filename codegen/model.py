"""Stage 1 of the generator: libvirt's API XML parsed into a plain model.

Nothing here knows about Python: the model is what the XML says, so that
the later stages (classify, emit) can be tested on small fixtures.
"""

from __future__ import annotations

import dataclasses
import re

from lxml import etree


@dataclasses.dataclass(frozen=True)
class Arg:
    name: str
    ctype: str
    info: str = ""


@dataclasses.dataclass(frozen=True)
class Function:
    name: str
    module: str          # 'libvirt', 'libvirt-qemu' or 'libvirt-lxc'
    return_type: str
    return_info: str
    args: tuple[Arg, ...]
    info: str = ""
    version: str = ""

    @property
    def arg_types(self) -> list[str]:
        return [a.ctype for a in self.args]


@dataclasses.dataclass(frozen=True)
class EnumValue:
    name: str
    value: str           # a number, or the name of another enum value
    type: str
    module: str


@dataclasses.dataclass(frozen=True)
class Macro:
    name: str
    string: str | None   # set for string macros, which become str constants
    module: str
    info: str = ""


@dataclasses.dataclass(frozen=True)
class Struct:
    name: str
    fields: tuple[Arg, ...]


@dataclasses.dataclass
class Api:
    functions: dict[str, Function] = dataclasses.field(default_factory=dict)
    enums: dict[str, EnumValue] = dataclasses.field(default_factory=dict)
    macros: dict[str, Macro] = dataclasses.field(default_factory=dict)
    structs: dict[str, Struct] = dataclasses.field(default_factory=dict)
    functypes: dict[str, Function] = dataclasses.field(default_factory=dict)

    def merge(self, other: "Api") -> None:
        for field in dataclasses.fields(self):
            mine, theirs = getattr(self, field.name), getattr(other, field.name)
            clash = mine.keys() & theirs.keys()
            if clash:
                raise ValueError(f"defined twice: {', '.join(sorted(clash))}")
            mine.update(theirs)

    def enum_value(self, name: str) -> int:
        """Numeric value of an enum, following aliases such as
        VIR_DOMAIN_MEMORY_STAT_LAST = VIR_DOMAIN_MEMORY_STAT_NR."""
        seen = set()
        value = self.enums[name].value
        while not _is_number(value):
            if value in seen or value not in self.enums:
                raise ValueError(f"enum {name}: cannot resolve {value!r}")
            seen.add(value)
            value = self.enums[value].value
        return int(value, 0)

    def is_sentinel(self, name: str) -> bool:
        """True for the VIR_ENUM_SENTINELS '..._LAST' counters, which the
        header hides by default and whose values change between releases."""
        enum = self.enums[name]
        if not name.endswith("_LAST") or not _is_number(enum.value):
            return False
        siblings = [self.enum_value(e.name) for e in self.enums.values()
                    if e.type == enum.type]
        return self.enum_value(name) == max(siblings)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?(0x[0-9a-fA-F]+|\d+)", text) is not None


def _text(element) -> str:
    return (element.text or "").strip() if element is not None else ""


def _function(element, module: str) -> Function:
    ret = element.find("return")
    return Function(
        name=element.get("name"),
        module=module,
        return_type=ret.get("type") if ret is not None else "void",
        return_info=(ret.get("info") or "") if ret is not None else "",
        args=tuple(Arg(a.get("name"), a.get("type"), a.get("info") or "")
                   for a in element.findall("arg")),
        info=_text(element.find("info")),
        version=element.get("version") or "",
    )


def api_name(path: str) -> str:
    """The module an API XML file describes: its <api name=...>."""
    return etree.parse(path).getroot().get("name") or ""


def parse(source, module: str | None = None) -> Api:
    """Parse one API XML document (a path, file object or bytes).

    `module` defaults to the document's <api name=...> ('libvirt',
    'libvirt-qemu', 'libvirt-lxc')."""
    if isinstance(source, bytes):
        root = etree.fromstring(source)
    else:
        root = etree.parse(source).getroot()
    module = module or root.get("name")
    api = Api()
    symbols = root.find("symbols")
    if symbols is None:
        return api
    for el in symbols:
        name = el.get("name")
        if el.tag == "function":
            api.functions[name] = _function(el, module)
        elif el.tag == "functype":
            api.functypes[name] = _function(el, module)
        elif el.tag == "enum":
            api.enums[name] = EnumValue(name, el.get("value"), el.get("type") or "", module)
        elif el.tag == "macro":
            api.macros[name] = Macro(name, el.get("string"), module, _text(el.find("info")))
        elif el.tag == "struct":
            api.structs[name] = Struct(name, tuple(
                Arg(f.get("name"), f.get("type"), f.get("info") or "")
                for f in el.findall("field")))
    return api
