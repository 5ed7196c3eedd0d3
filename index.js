// Programmatic entry point: n8n itself loads the files listed in package.json's "n8n" section;
// this lets other code (tests, scripts) import the built classes by name.
module.exports = {
	MailprotectorApi: require('./dist/credentials/MailprotectorApi.credentials.js').MailprotectorApi,
	GradientApi: require('./dist/credentials/GradientApi.credentials.js').GradientApi,
	MailprotectorGetCounts: require('./dist/nodes/MailprotectorGetCounts/MailprotectorGetCounts.node.js')
		.MailprotectorGetCounts,
	GradientAssignCustomer: require('./dist/nodes/GradientAssignCustomer/GradientAssignCustomer.node.js')
		.GradientAssignCustomer,
	GradientMapService: require('./dist/nodes/GradientMapService/GradientMapService.node.js')
		.GradientMapService,
	GradientPushBillable: require('./dist/nodes/GradientPushBillable/GradientPushBillable.node.js')
		.GradientPushBillable,
	GradientAlert: require('./dist/nodes/GradientAlert/GradientAlert.node.js').GradientAlert,
};
