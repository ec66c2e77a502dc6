"""symmap.py PROFILE PERFMAP > OUT: names the functions callgrind shows as bare addresses (code the .NET JIT made)
from the runtime's perf map (DOTNET_PerfMapEnabled=1 writes /tmp/perf-PID.map), so callgrind_annotate prints them."""
import bisect
import re
import sys

entries = []
for line in open(sys.argv[2]):
    parts = line.rstrip("\n").split(" ", 2)
    if len(parts) == 3:
        entries.append((int(parts[0], 16), int(parts[1], 16), parts[2]))
entries.sort()
starts = [e[0] for e in entries]


def name(address):
    i = bisect.bisect_right(starts, address) - 1
    if i >= 0 and entries[i][0] <= address < entries[i][0] + entries[i][1]:
        return entries[i][2]
    return None


pattern = re.compile(r"^(c?fn=\(\d+\)) 0x([0-9a-f]+)$")
for line in open(sys.argv[1]):
    m = pattern.match(line.rstrip("\n"))
    if m:
        found = name(int(m.group(2), 16))
        if found:
            line = f"{m.group(1)} {found.replace(' ', '_')}@{m.group(2)}\n"
    sys.stdout.write(line)
