#!/usr/bin/python3
"""The command surface, written in four places, agrees with its one source.

src/cmd/help.c's s2_command_help() is what `s2dump --help`, `nesteds2 --help`, crash's
`help s2dump` and the drgn module print; the man page (docs/s2dump.1, rendered by groff as
man(1) shows it), docs/commands.md and the README's command list are written by hand. Per
command (s2dump, nesteds2), from the CLI's --help (build/s2dump, the core's text):
  - the usage: the man page's SYNOPSIS lines, the commands.md headings and the README's command
    lines give exactly the help's usage (nesteds2: its '|'-separated subcommand forms, each once);
    the man page writes operands in italics instead of <...>, so only there are '<' '>' dropped;
  - the options the help describes ('  -x  ...') are the man page's OPTIONS (less the CLI's own
    -c, -s, --help, -h, --version) and the '- `-x`' items of commands.md;
  - the nesteds2 subcommands the help describes are the man page's NESTEDS2 SUBCOMMANDS, with the
    same options each;
  - the exit statuses of the help's 'Exit status:' are the man page's EXIT STATUS and those of
    commands.md's "Exit status and errors".
One PASS/FAIL line per assertion, then "N passed, N failed".
"""
import os
import re
import subprocess
import sys

top = os.environ.get("S2_TOP") or os.path.abspath(os.path.join(os.path.dirname(__file__), "../.."))
build = os.environ.get("S2_BUILD") or os.path.join(top, "build")
passed = failed = 0


def check(ok, what, why=""):
    global passed, failed
    if ok:
        print(f"PASS docs/{what}")
        passed += 1
    else:
        print(f"FAIL docs/{what}: {why}")
        failed += 1


def read(rel):
    with open(os.path.join(top, rel), encoding="utf-8") as f:
        return f.read()


def cli_help(cmd):
    """(usage after the CLI's own '[-c VMCORE] [-s VMLINUX] ', the description's lines)."""
    out = subprocess.run([os.path.join(build, cmd), "--help"], capture_output=True, text=True)
    lines = out.stdout.splitlines()
    m = re.match(r"usage: " + cmd + r" \[-c VMCORE\] \[-s VMLINUX\] (.*)$", lines[0] if lines else "")
    if not m:
        sys.exit(f"FAIL docs/{cmd}-help: {build}/{cmd} --help gave no usage line (status {out.returncode})")
    return m.group(1), lines


def man_text():
    out = subprocess.run(["groff", "-man", "-Tascii", "-P-cbou", "-rLL=400n",
                          os.path.join(top, "docs/s2dump.1")], capture_output=True, text=True)
    if out.returncode != 0 or not out.stdout:
        sys.exit(f"FAIL docs/man-render: groff on docs/s2dump.1: status {out.returncode} {out.stderr[:200]}")
    return out.stdout.splitlines()


def man_section(lines, name):
    """The lines of one section (a heading at column 0) of the rendered page."""
    sec, cur = [], None
    for line in lines:
        if line and not line[0].isspace():
            cur = line.strip()
            continue
        if cur == name:
            sec.append(line)
    return sec


def man_tags(section):
    """The .TP tags of a section: lines at the 7-column indent (the body is further in, or on
    the tag's line after a gap of at least two spaces)."""
    tags = []
    for line in section:
        m = re.match(r"^ {7}(\S.*?)(?: {2,}|$)", line)
        if m:
            tags.append(m.group(1))
    return tags


def pieces(usage):
    return [p.strip() for p in usage.split(" | ")]


def options(text):
    return set(re.findall(r"(?<![\w-])(-[a-z])\b", text))


def described_options(help_lines):
    """'  -x      ...' entries of the help's description (after the 'CMD - summary' line: the
    CLI's own -c and -s come before it)."""
    start = next((i for i, l in enumerate(help_lines) if re.match(r"^\S+ - ", l)), len(help_lines))
    return {m.group(1) for l in help_lines[start:] for m in [re.match(r"^  (-[a-z])(?: [A-Z]+)? +\S", l)] if m}


def exit_codes_help(help_lines):
    text = " ".join(help_lines)
    m = re.search(r"Exit status: (.*?)\.\s", text)
    return set(re.findall(r"(?:^|; )(\d) ", m.group(1))) if m else set()


s2_usage, s2_help = cli_help("s2dump")
n2_usage, n2_help = cli_help("nesteds2")
n2_pieces = pieces(n2_usage)
man = man_text()
commands_md = read("docs/commands.md")
readme = read("README.md")

# --- usage ---------------------------------------------------------------------------------------
synopsis = [l.strip() for l in man_section(man, "SYNOPSIS") if l.strip()]
cli_own = "[-c VMCORE] [-s VMLINUX] "
man_s2 = [l[len("s2dump " + cli_own):] for l in synopsis if l.startswith("s2dump " + cli_own)]
check(man_s2 == [s2_usage.replace("<", "").replace(">", "")], "man synopsis s2dump",
      f"man {man_s2} vs help '{s2_usage}'")
man_n2 = [l[len("nesteds2 " + cli_own):] for l in synopsis if l.startswith("nesteds2 " + cli_own)]
check(man_n2 == [p.replace("<", "").replace(">", "") for p in n2_pieces], "man synopsis nesteds2",
      f"man {man_n2} vs help {n2_pieces}")

heads = re.findall(r"^## (s2dump|nesteds2) (.*)$", commands_md, re.M)
md_s2 = [rest for cmd, rest in heads if cmd == "s2dump"]
check(md_s2 == [s2_usage], "commands.md heading s2dump", f"'## s2dump {md_s2}' vs help '{s2_usage}'")
md_n2 = [p for cmd, rest in heads if cmd == "nesteds2" for p in pieces(rest.split(";")[0])]
check(sorted(md_n2) == sorted(n2_pieces), "commands.md headings nesteds2", f"{md_n2} vs help {n2_pieces}")

block = re.findall(r"^    ((?:s2dump|nesteds2) \S.*?)(?: {2,}.*)?$", readme, re.M)
rd_s2 = [l[len("s2dump "):] for l in block if l.startswith("s2dump [")]
check(rd_s2 == [s2_usage], "README commands s2dump", f"{rd_s2} vs help '{s2_usage}'")
rd_n2 = [l[len("nesteds2 "):] for l in block if l.startswith("nesteds2 ") and not l.startswith("nesteds2 -")]
rd_n2 = [l for l in rd_n2 if l.split()[0] in ("list", "dump", "guest", "check")]
check(sorted(rd_n2) == sorted(n2_pieces), "README commands nesteds2", f"{rd_n2} vs help {n2_pieces}")

# --- options -------------------------------------------------------------------------------------
help_opts = described_options(s2_help)
check(help_opts >= options(s2_usage), "help describes every option of its usage",
      f"described {sorted(help_opts)}, usage {sorted(options(s2_usage))}")
man_opts = set()
for tag in man_tags(man_section(man, "OPTIONS")):
    man_opts |= set(re.findall(r"(?<![\w-])(--?[a-z]+)", tag))
man_opts -= {"-c", "-s", "--help", "-h", "--version"}
check(man_opts == help_opts, "man OPTIONS = the help's options",
      f"man {sorted(man_opts)}, help {sorted(help_opts)}")
md_opts = set(re.findall(r"^- `(-[a-z])", commands_md, re.M))
check(md_opts == help_opts, "commands.md option items = the help's options",
      f"commands.md {sorted(md_opts)}, help {sorted(help_opts)}")

# --- nesteds2 subcommands ------------------------------------------------------------------------
help_subs = {}
for l in n2_help:
    m = re.match(r"^  (list|dump|guest|check)\b(.*?)(?: {2,}|$)", l)
    if m:
        help_subs[m.group(1)] = options(m.group(2))
usage_subs = {p.split()[0]: options(p) for p in n2_pieces}
check(help_subs == usage_subs, "nesteds2 help describes its usage's subcommands",
      f"described {help_subs}, usage {usage_subs}")
man_subs = {t.split()[0]: options(t) for t in man_tags(man_section(man, "NESTEDS2 SUBCOMMANDS"))
            if t.split()[0] in ("list", "dump", "guest", "check")}
check(man_subs == usage_subs, "man NESTEDS2 SUBCOMMANDS = the help's, same options",
      f"man {man_subs}, help {usage_subs}")

# --- exit statuses -------------------------------------------------------------------------------
help_codes = exit_codes_help(s2_help)
check(help_codes == {"0", "1", "2", "3"}, "help exit statuses", f"{sorted(help_codes)}")
man_codes = {t for t in man_tags(man_section(man, "EXIT STATUS")) if t.isdigit()}
check(man_codes == help_codes, "man EXIT STATUS = the help's", f"man {sorted(man_codes)}, help {sorted(help_codes)}")
m = re.search(r"^## Exit status and errors\n(.*?)(?=^## |\Z)", commands_md, re.M | re.S)
md_codes = set(re.findall(r"(?:^|; |;\n|\n)(\d) (?:ok|ran|stopped|bad)", m.group(1))) if m else set()
check(md_codes == help_codes, "commands.md exit statuses = the help's",
      f"commands.md {sorted(md_codes)}, help {sorted(help_codes)}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
