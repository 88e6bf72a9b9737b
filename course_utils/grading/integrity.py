"""Does a submitted answer use torch or the course's reference code? A look at the source.

The NumPy exercises may not call torch or ``course_utils.functional`` (and friends): that is
what they are checked against. Inside the student's kernel the grader watches every call, but
a kernel is the student's: what it reports can be faked. This scan runs on the trusted side,
on the submitted notebook's text: for each exercise, it follows the student's function (and
the notebook functions it calls) and looks for names bound by an ``import`` to a forbidden
module. It finds honest uses reliably; deliberate obfuscation (``__import__("to" + "rch")``)
cannot be ruled out by reading code, so such constructs are reported for the instructor to
review instead (``suspicious``).
"""

import ast

FORBIDDEN = ("torch", "course_utils.functional", "course_utils.nn", "course_utils.optim",
             "course_utils.models", "course_utils.gradcheck", "course_utils.shapes",
             "course_utils.receptive_field")
SUSPICIOUS = ("__import__", "importlib", "exec", "eval", "compile", "globals", "sys", "builtins",
              "__builtins__", "getattr", "setattr", "vars", "open")


def _is_forbidden(module):
    return any(module == name or module.startswith(name + ".") for name in FORBIDDEN)


def _parse(source):
    try:
        return ast.parse(source)
    except SyntaxError:                  # IPython magics or a broken cell: nothing to follow
        return None


def _bindings(trees):
    """{name: module} for every name an import binds to a forbidden module, anywhere."""
    bound = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if _is_forbidden(alias.name):
                        bound[(alias.asname or alias.name).split(".")[0]] = alias.name
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    if _is_forbidden(node.module) or _is_forbidden(full):
                        bound[alias.asname or alias.name] = full
    return bound


def _functions(trees):
    """{name: FunctionDef} of every function defined at the top of a cell."""
    return {node.name: node for tree in trees for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ListComp, ast.SetComp,
          ast.DictComp, ast.GeneratorExp)


def _outer_parts(scope):
    """The parts of a function evaluated where it is defined: defaults and decorators."""
    arguments = getattr(scope, "args", None)
    defaults = [*arguments.defaults, *filter(None, arguments.kw_defaults)] \
        if isinstance(arguments, ast.arguments) else []
    return [*defaults, *getattr(scope, "decorator_list", [])]


def _own_nodes(scope):
    """The nodes of ``scope``'s own body: nested scopes are yielded but not entered."""
    skip = {id(getattr(scope, "args", None)), *map(id, getattr(scope, "decorator_list", []))}
    todo = [child for child in ast.iter_child_nodes(scope) if id(child) not in skip]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, SCOPES):
            todo.extend(_outer_parts(node))
        else:
            todo.extend(ast.iter_child_nodes(node))


def _free_names(scope):
    """The names ``scope`` (a function, lambda or comprehension) reads from outside itself,
    following Python's rules: its arguments and the names it assigns are its own (an argument
    called ``receptive_field`` is not the module of that name), unless declared global."""
    own = list(_own_nodes(scope))
    arguments = getattr(scope, "args", None)
    arguments = arguments if isinstance(arguments, ast.arguments) else None
    local = {a.arg for a in ([*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs,
                              arguments.vararg, arguments.kwarg] if arguments else []) if a}
    for node in own:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            local.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            local.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            local |= {(a.asname or a.name).split(".")[0] for a in node.names}
    declared = {name for node in own if isinstance(node, (ast.Global, ast.Nonlocal))
                for name in node.names}
    read = {node.id for node in own if isinstance(node, ast.Name) and isinstance(node.ctx,
                                                                               ast.Load)}
    for nested in own:
        if isinstance(nested, SCOPES):
            read |= _free_names(nested)
    return read - (local - declared)


def _used_names(function):
    """The names a top-level function reads from the notebook: its free names, and the names
    in its defaults and decorators (``def f(x, F=F)`` reads F)."""
    return _free_names(function) | {node.id for part in _outer_parts(function)
                                    for node in ast.walk(part) if isinstance(node, ast.Name)}


def scan(sources, names):
    """For each exercise in ``names``: '' if its function looks clean, else what it uses.

    sources: the code cells of the submitted notebook, in order. Returns ({name: finding},
    {name: suspicious constructs found in the function or what it calls})."""
    trees = [tree for tree in map(_parse, sources) if tree is not None]
    bound, functions = _bindings(trees), _functions(trees)
    findings, suspicious = {}, {}
    for name in names:
        seen, stack, used, mentioned = set(), [name], set(), set()
        while stack:
            current = stack.pop()
            if current in seen or current not in functions:
                continue
            seen.add(current)
            function = functions[current]
            inner = _bindings([ast.Module(body=function.body, type_ignores=[])])
            for local, module in inner.items():
                findings.setdefault(name, f"{module} (imported inside {current})")
            names_used = _used_names(function)
            used |= names_used
            # for the review, every name written, local or not (``import sys`` inside counts)
            mentioned |= {node.id for node in ast.walk(function) if isinstance(node, ast.Name)}
            stack.extend(n for n in names_used if n in functions)
        found = sorted(n for n in used if n in bound)
        if found and name not in findings:
            findings[name] = f"{bound[found[0]]} (the name `{found[0]}`)"
        findings.setdefault(name, "")
        suspicious[name] = sorted(mentioned & set(SUSPICIOUS))
    return findings, suspicious
