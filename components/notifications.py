"""Where alarms are sent: the stack's own encrypted SNS topic (with an email subscription when
`alarms.email` is set), or an existing topic from `alarms.snsTopicArn`."""

import pulumi
import pulumi_aws as aws

from .config import StackConfig
from .errors import NAMESPACE


def alarm_topic_arn(config: StackConfig, key: aws.kms.Key, prefix: str,
                    opts: pulumi.ResourceOptions) -> pulumi.Input[str]:
    if not config.creates_alarm_topic:
        return config.alarms.sns_topic_arn
    topic = aws.sns.Topic(f"{prefix}-dynamodb-alarms", name=f"{prefix}-dynamodb-alarms",
                          kms_master_key_id=key.arn, opts=opts)
    if config.alarms.email:
        aws.sns.TopicSubscription(f"{prefix}-dynamodb-alarms-email", topic=topic.arn, protocol="email",
                                  endpoint=config.alarms.email, opts=opts)
    else:
        pulumi.log.warn(f"alarms go to the topic {prefix}-dynamodb-alarms, which nobody is subscribed to: set "
                        f"{NAMESPACE}:alarms.email, or alarms.snsTopicArn to use a topic of your own")
    return topic.arn
