package io.gatehouse.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code shared} is the gateway and knows nothing about the runtime it is packaged into: no class
 * of it may touch Netty's server, micronaut-aws or the AWS Lambda libraries.
 */
class RuntimeIndependenceTest {

    private static final JavaClasses SHARED = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.gatehouse");

    @Test
    void sharedClasses_thenImported() {
        assertTrue(SHARED.size() > 20, "the rule below must see the gateway's classes, saw " + SHARED.size());
    }

    @Test
    void shared_thenNoRuntimeSpecificDependency() {
        ArchRule rule = noClasses().that().resideInAPackage("io.gatehouse..")
            .should().dependOnClassesThat().resideInAnyPackage(
                "io.micronaut.http.server.netty..",
                "io.micronaut.function.aws..",
                "com.amazonaws..",
                "io.gatehouse.container..",
                "io.gatehouse.lambda..")
            .because("shared must serve the container and Lambda alike");
        rule.check(SHARED);
    }
}
