#!/usr/bin/env python3
"""Writes a synthetic multi-language workspace for the index benchmark: N files across Python, TypeScript,
Go, Rust, C and Java, with imports between files (including cycles) and realistic function bodies.

Usage: make_workspace.py DIR [--files 2000] [--seed 1]
"""
import argparse
import pathlib
import random

LANGS = ["python", "typescript", "go", "rust", "c", "java"]


def body_lines(rng, names):
    lines = []
    for _ in range(rng.randint(3, 12)):
        a, b = rng.choice(names), rng.choice(names)
        lines.append((a, b))
    return lines


def python_file(i, deps, rng):
    imports = "\n".join(f"from pkg{d % 20}.mod{d} import fn_{d}_0" for d in deps)
    funcs = []
    for f in range(rng.randint(3, 8)):
        calls = "\n".join(f"    total += fn_{d}_0(x + {k})" for k, d in enumerate(deps[:3]))
        funcs.append(f"def fn_{i}_{f}(x: int) -> int:\n    \"\"\"Function {f} of module {i}.\"\"\"\n    total = x * {f + 1}\n"
                     f"{calls}\n    for k in range({f + 2}):\n        total += k\n    return total\n")
    cls = f"class Model{i}:\n    def __init__(self, value: int):\n        self.value = value\n\n    def score(self) -> int:\n        return fn_{i}_0(self.value)\n"
    return f"{imports}\n\n\n" + "\n\n".join(funcs) + "\n\n" + cls


def ts_file(i, deps, rng):
    imports = "\n".join(f"import {{ fn{d}_0 }} from '../m{d % 20}/mod{d}';" for d in deps)
    funcs = []
    for f in range(rng.randint(3, 8)):
        calls = "\n".join(f"  total += fn{d}_0(x + {k});" for k, d in enumerate(deps[:3]))
        funcs.append(f"export function fn{i}_{f}(x: number): number {{\n  let total = x * {f + 1};\n{calls}\n"
                     f"  for (let k = 0; k < {f + 2}; k++) {{ total += k; }}\n  return total;\n}}\n")
    cls = f"export class Model{i} {{\n  constructor(private value: number) {{}}\n  score(): number {{ return fn{i}_0(this.value); }}\n}}\n"
    return imports + "\n\n" + "\n".join(funcs) + "\n" + cls


def go_file(i, deps, rng):
    imports = "\n".join(f'\t"example.com/bench/g{d % 20}"' for d in deps if d % 20 != i % 20)
    funcs = []
    for f in range(rng.randint(3, 8)):
        funcs.append(f"// Fn{i}x{f} is function {f} of file {i}.\nfunc Fn{i}x{f}(x int) int {{\n\ttotal := x * {f + 1}\n"
                     f"\tfor k := 0; k < {f + 2}; k++ {{\n\t\ttotal += k\n\t}}\n\treturn total\n}}\n")
    imp = f"import (\n{imports}\n)\n" if imports else ""
    return f"package g{i % 20}\n\n{imp}\n" + "\n".join(funcs) + f"\ntype Model{i} struct {{ Value int }}\n"


def rust_file(i, deps, rng):
    funcs = []
    for f in range(rng.randint(3, 8)):
        funcs.append(f"/// Function {f} of module {i}.\npub fn fn_{i}_{f}(x: i64) -> i64 {{\n    let mut total = x * {f + 1};\n"
                     f"    for k in 0..{f + 2} {{\n        total += k;\n    }}\n    total\n}}\n")
    uses = "\n".join(f"use crate::r{d}::fn_{d}_0;" for d in deps[:2])
    return uses + "\n\n" + "\n".join(funcs) + f"\npub struct Model{i} {{ pub value: i64 }}\n"


def c_file(i, deps, rng):
    includes = "\n".join(f'#include "c{d}.h"' for d in deps)
    funcs = []
    for f in range(rng.randint(3, 8)):
        funcs.append(f"int fn_{i}_{f}(int x) {{\n    int total = x * {f + 1};\n    for (int k = 0; k < {f + 2}; k++) total += k;\n    return total;\n}}\n")
    return f"#include <stdio.h>\n{includes}\n\nstruct model_{i} {{ int value; }};\n\n" + "\n".join(funcs)


def java_file(i, deps, rng):
    imports = "\n".join(f"import bench.j{d % 20}.Model{d};" for d in deps)
    methods = []
    for f in range(rng.randint(3, 8)):
        methods.append(f"    public static int fn{f}(int x) {{\n        int total = x * {f + 1};\n        for (int k = 0; k < {f + 2}; k++) {{ total += k; }}\n        return total;\n    }}\n")
    return f"package bench.j{i % 20};\n\n{imports}\n\npublic class Model{i} {{\n    private int value;\n" + "\n".join(methods) + "}\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    root: pathlib.Path = args.dir
    (root / "go").mkdir(parents=True, exist_ok=True)
    (root / "go" / "go.mod").write_text("module example.com/bench\n\ngo 1.21\n")
    (root / "rust" / "src").mkdir(parents=True, exist_ok=True)
    per = args.files // len(LANGS)
    for li, lang in enumerate(LANGS):
        mods = []
        for i in range(per):
            # Mostly backward imports (a DAG), with a few forward ones to make cycles.
            deps = sorted({rng.randrange(0, i) for _ in range(min(i, rng.randint(1, 4)))}) if i else []
            if i > 10 and rng.random() < 0.02:
                deps.append(min(per - 1, i + rng.randint(1, 5)))
            if lang == "python":
                p = root / "py" / f"pkg{i % 20}" / f"mod{i}.py"
                p.parent.mkdir(parents=True, exist_ok=True)
                (p.parent / "__init__.py").touch()
                p.write_text(python_file(i, deps, rng))
            elif lang == "typescript":
                p = root / "ts" / f"m{i % 20}" / f"mod{i}.ts"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(ts_file(i, deps, rng))
            elif lang == "go":
                p = root / "go" / f"g{i % 20}" / f"f{i}.go"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(go_file(i, deps, rng))
            elif lang == "rust":
                p = root / "rust" / "src" / f"r{i}.rs"
                p.write_text(rust_file(i, deps, rng))
                mods.append(f"pub mod r{i};")
            elif lang == "c":
                p = root / "c" / f"c{i}.c"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(c_file(i, deps, rng))
                (root / "c" / f"c{i}.h").write_text(f"int fn_{i}_0(int x);\n")
            elif lang == "java":
                p = root / "java" / "src" / "main" / "java" / "bench" / f"j{i % 20}" / f"Model{i}.java"
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text(java_file(i, deps, rng))
        if lang == "rust":
            (root / "rust" / "src" / "lib.rs").write_text("\n".join(mods) + "\n")
            (root / "rust" / "Cargo.toml").write_text('[package]\nname = "bench"\nversion = "0.1.0"\n')
    print(sum(1 for _ in root.rglob("*") if _.is_file()))


if __name__ == "__main__":
    main()
