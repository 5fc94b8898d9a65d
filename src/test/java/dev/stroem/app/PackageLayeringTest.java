package dev.stroem.app;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The rooms' imports form no cycle: arrows point down only (STYLE-NOTES, "Guard the layering with a test"). */
class PackageLayeringTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        // The compiled main classes only: scanning the whole class path for the package is much slower.
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPath(Path.of("target", "classes"));
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.stroem.(**)").should().beFreeOfCycles()
                // Known and the only one: jobs.store maps rows to the job records (Job, JobStep, …) that
                // live in jobs; they belong in a leaf jobs.model room (STYLE-NOTES), a move that touches
                // every room and waits for a quiet moment. Nothing else may add a cycle.
                .ignoreDependency(resideInAPackage("dev.stroem.jobs.store"), resideInAPackage("dev.stroem.jobs"))
                .check(classes);
    }
}
