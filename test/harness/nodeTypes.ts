import { GradientAlert } from '../../nodes/GradientAlert/GradientAlert.node';
import { GradientAssignCustomer } from '../../nodes/GradientAssignCustomer/GradientAssignCustomer.node';
import { GradientMapService } from '../../nodes/GradientMapService/GradientMapService.node';
import { GradientPushBillable } from '../../nodes/GradientPushBillable/GradientPushBillable.node';
import { MailprotectorGetCounts } from '../../nodes/MailprotectorGetCounts/MailprotectorGetCounts.node';
import type { NodeTypeMap } from './engine';
import { nodeType } from './fixtures';

/** The package's five nodes under their installed type names, for runWorkflow's `nodeTypes`. */
export function allNodeTypes(): NodeTypeMap {
	return {
		[nodeType('mailprotectorGetCounts')]: new MailprotectorGetCounts(),
		[nodeType('gradientAssignCustomer')]: new GradientAssignCustomer(),
		[nodeType('gradientMapService')]: new GradientMapService(),
		[nodeType('gradientPushBillable')]: new GradientPushBillable(),
		[nodeType('gradientAlert')]: new GradientAlert(),
	};
}
