package io.gatehouse.infra;

import java.util.Objects;

/**
 * What {@link ContainerStack} deploys, typed. Every field has a context flag ({@link Flags}).
 *
 * @param image           an image in a registry ({@code 123456789012.dkr.ecr.eu-west-1.amazonaws.com/gatehouse:0.1.0}),
 *                        or {@code null} to upload {@code imageTar}
 * @param imageTar        the OCI tarball of {@code bin/gatehouse image}, uploaded to ECR by {@code cdk deploy}
 * @param cpu             the task's CPU units (256 = a quarter vCPU)
 * @param memoryMiB       the task's memory
 * @param desiredCount    tasks at the start, and the autoscaling minimum
 * @param maxCount        the autoscaling maximum
 * @param gracePeriodSeconds {@code gateway.shutdown.grace-period}: the ALB's deregistration delay and,
 *                        with a margin, the task's stop timeout
 * @param idleTimeoutSeconds the ALB's idle timeout: long enough for WebSockets and event streams
 * @param requestsPerTarget  the requests a minute per task the autoscaling aims at
 * @param secretName      the Secrets Manager secret with the gateway's secrets, or {@code null}
 */
public record ContainerSettings(String image, String imageTar, int cpu, int memoryMiB, int desiredCount, int maxCount,
                                int gracePeriodSeconds, int idleTimeoutSeconds, int requestsPerTarget, String secretName) {

    /** The port the image listens on. */
    public static final int PORT = 8080;

    /** The image's user. */
    public static final String USER = "65532:65532";

    /** Checks what can be checked before synthesis. */
    public ContainerSettings {
        if (image == null) {
            Objects.requireNonNull(imageTar, "gatehouse:image or gatehouse:imageTar");
        }
        if (desiredCount < 2 || maxCount < desiredCount) {
            throw new IllegalArgumentException("at least two tasks, and gatehouse:maxCount >= gatehouse:desiredCount");
        }
        if (gracePeriodSeconds + 5 > 120) {
            throw new IllegalArgumentException("Fargate stops a task at most 120 s after SIGTERM: gatehouse:gracePeriod must be at most 115");
        }
    }
}
