package org.jdna.dna.config;

/**
 * Distillation of a Radial Network from a trained dense run (docs/method.md section 6, issue 7). With a
 * teacher set, {@code jdna train} starts the student from the teacher's layers (input node, backbone,
 * pool blocks e < S_teacher, output node: the state-dict names coincide), biases step s's selection
 * toward layer s (the teacher's order; the exit beyond the teacher's depth) so that the untrained
 * student is exactly the teacher, and adds {@code klWeight} * KL(teacher || student) over every token's
 * next-byte distribution (at {@code temperature}) to the cross-entropy. The identity-bias controller
 * then pushes tokens to exit (model.identityTarget). The fields are declared once in the table below.
 */
public record DistilConfig(String teacher, double klWeight, double temperature, double pathBias, boolean fineTune) {
    private static final ConfigSection.Builder<DistilConfig> F = ConfigSection.builder(DistilConfig.class);

    public static final ConfigField<DistilConfig, String> TEACHER = F.field("teacher", "",
            "a dense run folder or checkpoint ('' = no distillation)");
    public static final ConfigField<DistilConfig, Double> KL_WEIGHT = F.field("klWeight", 1.0,
            "weight of KL(teacher || student)").atLeast(0).when(DistilConfig::active, "a teacher is set");
    public static final ConfigField<DistilConfig, Double> TEMPERATURE = F.field("temperature", 1.0,
            "softmax temperature of both distributions in the KL term (the term is scaled by T^2)")
            .range(0.05, 100).when(DistilConfig::active, "a teacher is set");
    public static final ConfigField<DistilConfig, Double> PATH_BIAS = F.field("pathBias", 0.5,
            "selection bias toward the teacher's next layer at each step (fixed, no gradient)")
            .atLeast(0).when(DistilConfig::active, "a teacher is set");
    public static final ConfigField<DistilConfig, Boolean> FINE_TUNE = F.field("fineTune", true,
            "train the layers too; false trains only the routers");

    public static final ConfigSection<DistilConfig> FIELDS = F.build();

    /** No teacher: every field's default. */
    public static final DistilConfig NONE = FIELDS.defaults();

    public DistilConfig {
        teacher = teacher == null ? "" : teacher;
    }

    /** True when a teacher is set. */
    public boolean active() { return !teacher.isBlank(); }

    public <T> DistilConfig with(ConfigField<DistilConfig, T> field, T value) { return FIELDS.with(this, field, value); }

    public DistilConfig withKl(double w) { return with(KL_WEIGHT, w); }

    public DistilConfig withTeacher(String t) { return with(TEACHER, t); }
}
