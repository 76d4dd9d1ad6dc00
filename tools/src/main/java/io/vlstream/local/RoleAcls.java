package io.vlstream.local;

import io.vlstream.kafka.VlstreamTopics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs of vlstream's roles, the same grants deploy/kubernetes/base/kafka/users.yaml gives its
 * KafkaUsers: the job reads the inputs, writes the outputs and uses its own groups and
 * transactional ids; producers write frames, operators instructions, labelers texts; readers read
 * the outputs.
 */
public final class RoleAcls {

    public static final String JOB = "vlstream-job";
    public static final String PRODUCER = "vlstream-producer";
    public static final String OPERATOR = "vlstream-operator";
    public static final String LABELER = "vlstream-labeler";
    public static final String READER = "vlstream-reader";

    /** Every role's user. */
    public static final List<String> ROLES = List.of(JOB, PRODUCER, OPERATOR, LABELER, READER);

    private RoleAcls() {}

    /**
     * The bindings for every role.
     *
     * @param jobGroup the job's {@code vlstream.kafka.group-id}; its sources' groups add {@code
     *     -frames}, {@code -instructions} and {@code -texts}
     * @param transactionalIdPrefix the job's {@code vlstream.kafka.transactional-id-prefix}
     */
    public static List<AclBinding> of(
            VlstreamTopics topics, String jobGroup, String transactionalIdPrefix) {
        List<AclBinding> acls = new ArrayList<>();
        for (String input : List.of(topics.frames(), topics.instructions(), topics.texts())) {
            allow(acls, JOB, ResourceType.TOPIC, input, PatternType.LITERAL, AclOperation.READ);
        }
        for (String output : List.of(topics.captions(), topics.scores(), topics.dlq())) {
            allow(acls, JOB, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.WRITE);
            allow(acls, READER, ResourceType.TOPIC, output, PatternType.LITERAL, AclOperation.READ);
        }
        for (String source : List.of("-frames", "-instructions", "-texts")) {
            allow(
                    acls,
                    JOB,
                    ResourceType.GROUP,
                    jobGroup + source,
                    PatternType.LITERAL,
                    AclOperation.READ);
        }
        allow(
                acls,
                JOB,
                ResourceType.TRANSACTIONAL_ID,
                transactionalIdPrefix,
                PatternType.PREFIXED,
                AclOperation.WRITE);
        allow(acls, READER, ResourceType.GROUP, READER, PatternType.PREFIXED, AclOperation.READ);
        Map.of(
                        PRODUCER, topics.frames(),
                        OPERATOR, topics.instructions(),
                        LABELER, topics.texts())
                .forEach(
                        (user, topic) ->
                                allow(
                                        acls,
                                        user,
                                        ResourceType.TOPIC,
                                        topic,
                                        PatternType.LITERAL,
                                        AclOperation.WRITE));
        return acls;
    }

    /** {@code operation} and Describe (which every client needs for metadata). */
    private static void allow(
            List<AclBinding> acls,
            String user,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation operation) {
        for (AclOperation op : List.of(operation, AclOperation.DESCRIBE)) {
            acls.add(
                    new AclBinding(
                            new ResourcePattern(type, name, pattern),
                            new AccessControlEntry(
                                    "User:" + user, "*", op, AclPermissionType.ALLOW)));
        }
    }
}
