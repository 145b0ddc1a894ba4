package org.jdna.dna.config;

/**
 * Distillation of a Radial Network from a trained dense run (docs/method.md section 6, issue 7). With a
 * teacher set, {@code jdna train} starts the student from the teacher's layers (input node, backbone,
 * pool blocks e < S_teacher, output node: the state-dict names coincide), biases step s's selection
 * toward layer s (the teacher's order; the exit beyond the teacher's depth) so that the untrained
 * student is exactly the teacher, and adds {@code klWeight} * KL(teacher || student) over every token's
 * next-byte distribution (at {@code temperature}) to the cross-entropy. The identity-bias controller
 * then pushes tokens to exit (model.identityTarget).
 *
 * @param teacher     a dense run folder or checkpoint ("" = no distillation)
 * @param klWeight    weight of the KL term
 * @param temperature softmax temperature of both distributions in the KL term (the term is scaled by T^2)
 * @param pathBias    selection bias toward the teacher's next layer at each step (fixed, no gradient)
 * @param fineTune    train the layers too; false trains only the routers
 */
public record DistilConfig(String teacher, double klWeight, double temperature, double pathBias, boolean fineTune) {
    public static final DistilConfig NONE = new DistilConfig("", 1.0, 1.0, 0.5, true);

    public DistilConfig {
        teacher = teacher == null ? "" : teacher;
    }

    /** True when a teacher is set. */
    public boolean active() { return !teacher.isBlank(); }

    public DistilConfig withKl(double w) { return new DistilConfig(teacher, w, temperature, pathBias, fineTune); }

    public DistilConfig withTeacher(String t) { return new DistilConfig(t, klWeight, temperature, pathBias, fineTune); }
}
