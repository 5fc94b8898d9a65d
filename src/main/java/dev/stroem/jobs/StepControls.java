package dev.stroem.jobs;

import dev.stroem.workflow.FlowStep;

/** The step-row form of a flow step's conditions, loop and retry, fixed when its job is created. */
final class StepControls {
    private StepControls() {}

    static StepControl of(FlowStep step) {
        var flow = step.control();
        if (flow.when() == null) {
            return StepControl.NONE;
        }
        return new StepControl(flow.when(), null, false, null, StepControl.Retry.NONE);
    }
}
