"""Where alarms are sent: the stack's own encrypted SNS topic (with an email subscription when
`alarms.email` is set), or an existing topic from `alarms.snsTopicArn`."""

import pulumi
import pulumi_aws as aws

from .config import StackConfig


def alarm_topic_arn(config: StackConfig, key: aws.kms.Key, prefix: str,
                    opts: pulumi.ResourceOptions) -> pulumi.Input[str]:
    if not config.creates_alarm_topic:
        return config.alarms.sns_topic_arn
    topic = aws.sns.Topic(f"{prefix}-dynamodb-alarms", name=f"{prefix}-dynamodb-alarms",
                          kms_master_key_id=key.arn, opts=opts)
    if config.alarms.email:
        aws.sns.TopicSubscription(f"{prefix}-dynamodb-alarms-email", topic=topic.arn, protocol="email",
                                  endpoint=config.alarms.email, opts=opts)
    return topic.arn
