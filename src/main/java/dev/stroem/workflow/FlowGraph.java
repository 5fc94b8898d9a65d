package dev.stroem.workflow;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Cycle detection over a task's {@code depends_on} edges. */
final class FlowGraph {
    private FlowGraph() {}

    /**
     * @return the first cycle found, as step names ending where it started ({@code a, b, a}), or
     *     null when the flow is a DAG. Dependencies on unknown steps are ignored here.
     */
    static List<String> findCycle(Map<String, FlowStep> flow) {
        var state = new HashMap<String, Integer>(); // absent: unvisited, 1: on the path, 2: done
        var path = new ArrayList<String>();
        for (String start : flow.keySet()) {
            List<String> cycle = visit(start, flow, state, path);
            if (cycle != null) {
                return cycle;
            }
        }
        return null;
    }

    private static List<String> visit(String step, Map<String, FlowStep> flow, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(step);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null && s == 1) {
            var cycle = new ArrayList<>(path.subList(path.indexOf(step), path.size()));
            cycle.add(step);
            return cycle;
        }
        state.put(step, 1);
        path.add(step);
        for (String dependency : flow.get(step).dependsOn()) {
            if (flow.containsKey(dependency)) {
                List<String> cycle = visit(dependency, flow, state, path);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(step, 2);
        return null;
    }
}
