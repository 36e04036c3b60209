from django.urls import path

from rob import api, api_assess

R = "reviews/<int:review_id>/rob/"
A = R + "assignments/<int:assignment_id>/"

urlpatterns = [
    path(R + "tools/", api.ToolListView.as_view(), name="rob-tools"),
    path(R + "tools/<str:tool_id>/", api.ToolDetailView.as_view(), name="rob-tool"),
    path(R + "settings/", api.SettingsView.as_view(), name="rob-settings"),
    path(R + "assignments/", api.AssignmentListView.as_view(), name="rob-assignments"),
    path(A, api.AssignmentDetailView.as_view(), name="rob-assignment"),
    path(A + "mine/", api_assess.MineView.as_view(), name="rob-mine"),
    path(A + "mine/overall/", api_assess.MineOverallView.as_view(), name="rob-mine-overall"),
    path(A + "mine/done/", api_assess.MineDoneView.as_view(), name="rob-mine-done"),
    path(A + "mine/reopen/", api_assess.MineReopenView.as_view(), name="rob-mine-reopen"),
    path(A + "comparison/", api_assess.ComparisonView.as_view(), name="rob-comparison"),
    path(A + "consensus/", api_assess.ConsensusView.as_view(), name="rob-consensus"),
    path(
        A + "consensus/overall/",
        api_assess.ConsensusOverallView.as_view(),
        name="rob-consensus-overall",
    ),
    path(
        A + "consensus/complete/",
        api_assess.ConsensusCompleteView.as_view(),
        name="rob-consensus-complete",
    ),
    path(
        A + "consensus/reopen/",
        api_assess.ConsensusReopenView.as_view(),
        name="rob-consensus-reopen",
    ),
]
