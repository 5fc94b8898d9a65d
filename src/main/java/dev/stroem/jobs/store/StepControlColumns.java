package dev.stroem.jobs.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.stroem.jobs.StepControl;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.statement.SqlStatement;

/** The {@code job_steps} columns of conditions, loops and retries: their names, binding and reading. */
final class StepControlColumns {
    static final String NAMES = "when_condition, for_each_expr, sequential, loop_source, loop_index, loop_total, "
            + "loop_item, retry_attempt, max_retries, retry_backoff_secs, retry_strategy, retry_jitter, retry_history, "
            + "retry_at";
    static final String PARAMETERS = ":when_condition, :for_each_expr, :sequential, :loop_source, :loop_index, "
            + ":loop_total, :loop_item, :retry_attempt, :max_retries, :retry_backoff_secs, :retry_strategy, "
            + ":retry_jitter, :retry_history, :retry_at";
    private static final TypeReference<List<Map<String, Object>>> HISTORY = new TypeReference<>() {};
    private static final TypeReference<List<Object>> LIST = new TypeReference<>() {};

    private final JsonColumns columns;

    StepControlColumns(JsonColumns columns) {
        this.columns = columns;
    }

    <S extends SqlStatement<S>> S bind(S statement, StepControl c) {
        var loop = c.loop();
        var retry = c.retry();
        return statement.bind("when_condition", c.whenCondition())
                .bind("for_each_expr", c.forEachExpr())
                .bind("sequential", c.sequential() ? 1 : 0)
                .bind("loop_source", loop == null ? null : loop.source())
                .bind("loop_index", loop == null ? null : loop.index())
                .bind("loop_total", loop == null ? null : loop.total())
                .bind("loop_item", loop == null ? null : columns.write(new Item(loop.item())))
                .bind("retry_attempt", retry.attempt())
                .bind("max_retries", retry.maxRetries())
                .bind("retry_backoff_secs", retry.backoffSecs())
                .bind("retry_strategy", retry.strategy())
                .bind("retry_jitter", retry.jitter() ? 1 : 0)
                .bind("retry_history", retry.history().isEmpty() ? null : columns.write(retry.history()))
                .bind("retry_at", JsonColumns.millis(retry.retryAt()));
    }

    StepControl read(ResultSet rs) throws SQLException {
        String source = rs.getString("loop_source");
        StepControl.LoopPosition loop = null;
        if (source != null) {
            String item = rs.getString("loop_item");
            loop = new StepControl.LoopPosition(source, rs.getInt("loop_index"), rs.getInt("loop_total"),
                    item == null ? null : columns.read(item, Item.class).value());
        }
        String history = rs.getString("retry_history");
        var retry = new StepControl.Retry(rs.getInt("retry_attempt"), JobRows.nullableInt(rs, "max_retries"),
                JobRows.nullableLong(rs, "retry_backoff_secs"), rs.getString("retry_strategy"),
                rs.getInt("retry_jitter") != 0, history == null ? List.of() : columns.read(history, HISTORY),
                JobRows.instant(rs, "retry_at"));
        String output = rs.getString("output");
        List<Object> loopOutputs = output != null && output.startsWith("[") ? columns.read(output, LIST) : null;
        return new StepControl(rs.getString("when_condition"), rs.getString("for_each_expr"),
                rs.getInt("sequential") != 0, loop, retry, loopOutputs);
    }

    /** An item wrapped, so that a JSON null item stays distinguishable from no column value. */
    record Item(Object value) {}
}
