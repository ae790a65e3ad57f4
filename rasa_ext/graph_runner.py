"""Run the model's prediction graph in plain Python, not through dask.

Every message runs Rasa's graph twice or more (the NLU pipeline, then one policy prediction
per action), and Rasa 3.6 hands each run to `dask.get`, whose scheduler (task ordering, a state
machine, callbacks) cost about a fifth as much as the components themselves under load
(py-spy). The graph is a handful of nodes run in one thread anyway, so each node is called once
its inputs are ready, depth first, with the same arguments dask would pass. Only the server's
prediction runner is replaced (`rasa.core.processor`); training keeps dask.
"""

from typing import Any

from rasa.core import processor
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner

from rasa_ext.patching import PatchError, Replacement, replace, target


def run_tasks(graph: dict[str, Any], targets: list[str]) -> list[Any]:
    """`dask.get(graph, targets)` for Rasa's graphs: a task is `(callable, *input keys)`;
    anything else (an input added by the runner) is a value."""
    results: dict[str, Any] = {}

    def result(key: str) -> Any:
        if key not in results:
            task = graph[key]
            if isinstance(task, tuple) and task and callable(task[0]):
                results[key] = task[0](*(result(need) for need in task[1:]))
            else:
                results[key] = task
        return results[key]

    return [result(target) for target in targets]


class SequentialGraphRunner(DaskGraphRunner):
    _graphs: dict[tuple[str, ...], dict[str, Any]]

    def run(
        self, inputs: dict[str, Any] | None = None, targets: list[str] | None = None
    ) -> dict[str, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        if not hasattr(self, "_graphs"):
            self._graphs = {}
        key = tuple(run_targets)
        if key not in self._graphs:  # the schema is fixed once loaded: prune it once per target
            minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
            self._graphs[key] = self._build_dask_graph(minimal_schema)
        run_graph = dict(self._graphs[key])
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph)
        try:
            return dict(run_tasks(run_graph, run_targets))
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error


def install() -> None:
    """The processor's runner class becomes SequentialGraphRunner, which relies on these of
    DaskGraphRunner's."""
    target(DaskGraphRunner, "_build_dask_graph", ("self", "schema"))
    target(DaskGraphRunner, "_add_inputs_to_graph", ("inputs", "graph"))
    target(DaskGraphRunner, "run", ("self", "inputs", "targets"))
    if getattr(processor, "DaskGraphRunner", None) not in (DaskGraphRunner, SequentialGraphRunner):
        raise PatchError("rasa.core.processor no longer runs its graphs with DaskGraphRunner")
    parameters = ("graph_schema", "model_storage", "execution_context", "hooks")
    replace(Replacement(processor, "DaskGraphRunner", parameters, SequentialGraphRunner))
