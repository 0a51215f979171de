package dev.formwork.frontends.config;

/**
 * The two model families. The JSON spelling is timm's module name, so a config file reads the
 * same as the Python constructor it mirrors.
 */
public enum Family {
    /** EfficientFormer (V1): L1, L3, L7. */
    V1("efficientformer"),
    /** EfficientFormerV2: S0, S1, S2, L. */
    V2("efficientformerv2");

    private final String jsonName;

    Family(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The value of the config's {@code "family"} key. */
    public String jsonName() {
        return jsonName;
    }

    /** The family with this JSON name, or null. */
    public static Family fromJson(String s) {
        for (Family f : values()) {
            if (f.jsonName.equals(s)) return f;
        }
        return null;
    }
}
