package dev.stroem.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretReferencesTest {

    @Test
    void aReferenceIsMaskedWhereverItStandsAndTheRestIsKept() {
        assertThat(SecretReferences.redact("ref+vault://secret/data/db#/password"))
                .isEqualTo(Masker.MASK);
        assertThat(SecretReferences.redact("token=ref+awsssm:///prod/api/token and more"))
                .isEqualTo("token=" + Masker.MASK + " and more");
        assertThat(SecretReferences.redact("{\"a\": \"ref+sops://secrets.yaml#/db\", \"b\": \"ref+echo://x\"}"))
                .isEqualTo("{\"a\": \"" + Masker.MASK + "\", \"b\": \"" + Masker.MASK + "\"}");
    }

    @Test
    void textsWithoutAReferenceAreReturnedAsTheyAre() {
        String plain = "ref+ is how vals spells it; postgres://db:5432 is not a reference";
        assertThat(SecretReferences.redact(plain)).isSameAs(plain);
        assertThat(SecretReferences.redact(null)).isNull();
    }
}
